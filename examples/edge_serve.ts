/**
 * @module
 * The edge server of `examples/edge.ts` as a `deno serve` module: the default export's `fetch`
 * takes every request (NATS clients over WebSocket, monitoring), and `deno serve` (or a host
 * that runs such modules) owns the port.
 *
 * ```sh
 * NATS_HUB=ws://127.0.0.1:8080 deno serve --port 8000 --allow-net=127.0.0.1:8080 --allow-env \
 *   examples/edge_serve.ts
 * ```
 *
 * Environment: the options of `_edge_env.ts` (`NATS_HUB`, `NATS_HUB_CREDS`, `NATS_JS_DOMAIN`,
 * `NATS_SERVER_NAME`).
 */
import { startServer } from "../mod.ts";
import { edgeOptionsFromEnv } from "./_edge_env.ts";

const nats = await startServer(edgeOptionsFromEnv());
// `deno serve` stops its HTTP server on SIGINT/SIGTERM; the NATS server's timers would keep the
// process alive, so it is closed too.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(signal, () => void nats.close());
  } catch {
    // hosts without signals stop the isolate themselves
  }
}

export default { fetch: nats.fetch } satisfies Deno.ServeDefaultExport;

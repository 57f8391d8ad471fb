/**
 * @module
 * An edge NATS server for hosts that only serve HTTP and WebSocket (Deno Deploy and the like):
 * it binds no port of its own. The host's `Deno.serve` hands every request to `fetch`: NATS
 * clients connect over WebSocket (`wsconnect` of `@nats-io/nats-core`, nats.ws, any path), and
 * `/varz`, `/connz`, ... answer as nats-server's monitoring does. With `NATS_HUB` set to a hub's
 * WebSocket URL (`wss://hub.example.com`), the edge is a leafnode of that hub, dialed with the
 * `WebSocket` API; its local clients keep working while the hub is unreachable.
 *
 * ```sh
 * NATS_HUB=ws://127.0.0.1:8080 deno run --allow-net --allow-env examples/edge.ts
 * ```
 *
 * Environment: `PORT` (default 8000), and the options of `_edge_env.ts` (`NATS_HUB`,
 * `NATS_HUB_CREDS`, `NATS_JS_DOMAIN`, `NATS_SERVER_NAME`). `examples/edge_serve.ts` is the same
 * server for `deno serve`.
 */
import { startServer } from "../mod.ts";
import { edgeOptionsFromEnv } from "./_edge_env.ts";

const nats = await startServer(edgeOptionsFromEnv());
const server = Deno.serve({ port: Number(Deno.env.get("PORT") ?? 8000) }, nats.fetch);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(signal, async () => {
      await nats.close();
      await server.shutdown();
    });
  } catch {
    // hosts without signals stop the isolate themselves
  }
}

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
 * Environment: `PORT` (default 8000), `NATS_SERVER_NAME` (default `edge`), `NATS_HUB`
 * (optional), `NATS_HUB_CREDS` (optional credentials file of the hub's account; reading it needs
 * `--allow-read` for that file), `NATS_JS_DOMAIN` (optional: JetStream with memory streams in
 * this domain, 256 MB by default; a hub with JetStream reaches them through
 * `$JS.<domain>.API`).
 */
import { startServer } from "../mod.ts";

const hub = Deno.env.get("NATS_HUB");
const creds = Deno.env.get("NATS_HUB_CREDS");
const domain = Deno.env.get("NATS_JS_DOMAIN");
const nats = await startServer({
  edge: true,
  serverName: Deno.env.get("NATS_SERVER_NAME") ?? "edge",
  // Monitoring through fetch (nothing is bound on an edge server).
  httpPort: -1,
  ...(domain ? { jetstream: { domain } } : {}),
  ...(hub
    ? { leafnodes: { remotes: [{ url: hub, ...(creds ? { credentials: creds } : {}) }] } }
    : {}),
});
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

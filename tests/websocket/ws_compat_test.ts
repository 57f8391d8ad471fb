/**
 * @module
 * Runs the WebSocket cases (`ws_cases.ts`) against the reference nats-server 2.9.10 when it is
 * installed (skipped with a visible message otherwise). Runs in the test isolate.
 */
import { WS_CASES } from "./ws_cases.ts";
import { natsServer, natsServerInstalled } from "../tls/servers.ts";
import { ignoreConnectionResets } from "../helpers/node_resets.ts";

ignoreConnectionResets();

if (!natsServerInstalled) {
  console.warn("websocket compat: nats-server not installed, cases skipped");
}
for (const c of WS_CASES) {
  Deno.test({
    name: `nats-server websocket: ${c.name}`,
    ignore: !natsServerInstalled,
    async fn() {
      await using server = await natsServer(c.config);
      await c.run(server);
    },
  });
}

/**
 * @module
 * Runs the WebSocket cases (`ws_cases.ts`) against denats in this process.
 * Runs in the test isolate.
 */
import { WS_CASES } from "./ws_cases.ts";
import { denats } from "../tls/servers.ts";
import { ignoreConnectionResets } from "../helpers/node_resets.ts";

ignoreConnectionResets();

for (const c of WS_CASES) {
  Deno.test(`denats websocket: ${c.name}`, async () => {
    await using server = await denats(c.config);
    await c.run(server);
  });
}

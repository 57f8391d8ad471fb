/**
 * @module
 * Runs the TLS cases (`tls_cases.ts`) against the reference nats-server 2.9.10 when it is
 * installed (skipped with a visible message otherwise): a difference from denats is a bug.
 * Runs in the test isolate.
 */
import { TLS_CASES } from "./tls_cases.ts";
import { natsServer, natsServerInstalled } from "./servers.ts";

if (!natsServerInstalled) console.warn("tls compat: nats-server not installed, cases skipped");
for (const c of TLS_CASES) {
  Deno.test({
    name: `nats-server tls: ${c.name}`,
    ignore: !natsServerInstalled || c.denatsOnly === true,
    async fn() {
      await using server = await natsServer(c.config);
      await c.run(server);
    },
  });
}

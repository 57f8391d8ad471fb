/**
 * @module
 * Runs the TLS cases (`tls_cases.ts`) against denats in this process. Runs in the test isolate.
 */
import { TLS_CASES } from "./tls_cases.ts";
import { denats } from "./servers.ts";

for (const c of TLS_CASES) {
  Deno.test(`denats tls: ${c.name}`, async () => {
    await using server = await denats(c.config);
    await c.run(server);
  });
}

/**
 * @module
 * Tests of `leaf_options.ts`: nats-server validateLeafNode's system account rule for a
 * leafnode listener next to gateways.
 */
import assert from "node:assert/strict";
import { leafConfigProblem } from "./leaf_options.ts";

const TEXT = "leaf nodes and gateways (both being defined) require a system account to also " +
  "be configured";

Deno.test("leafConfigProblem: a leafnode listener with gateways needs a system account", () => {
  const leaf = { port: 7422 } as never;
  const gw = { name: "A", port: 7222 } as never;
  assert.equal(leafConfigProblem({ leafnodeConfig: leaf, gatewayConfig: gw }, undefined), TEXT);
  assert.equal(leafConfigProblem({ leafnodeConfig: leaf, gatewayConfig: gw }, "SYS"), null);
  // Remotes only (no listener), no gateway block, or a gateway without name and port: fine.
  const remotesOnly = { port: 0 } as never;
  assert.equal(
    leafConfigProblem({ leafnodeConfig: remotesOnly, gatewayConfig: gw }, undefined),
    null,
  );
  assert.equal(leafConfigProblem({ leafnodeConfig: leaf }, undefined), null);
  const empty = { name: "", port: 0 } as never;
  assert.equal(leafConfigProblem({ leafnodeConfig: leaf, gatewayConfig: empty }, undefined), null);
});

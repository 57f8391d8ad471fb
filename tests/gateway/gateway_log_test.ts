/**
 * @module
 * Gateway log lines, denats against nats-server 2.9.10 (the same scenario on each binary when
 * nats-server is installed): the listener lines, outbound and inbound registration, the
 * explicit dial, and `Gateway connection closed` when the remote goes.
 */
import assert from "node:assert/strict";
import { compare, normalizeLine, ServerProcess } from "../process/_proc.ts";
import { DenatsNode, gatewayConf, nodeConfig } from "./_gateway.ts";

const GATEWAY_LINE =
  /Gateway name is|gateways connections|Address for gateway|gateway connection|Connecting to explicit gateway|Gateway connection closed/;

Deno.test("gateway log lines are worded as nats-server's", async () => {
  const lines = await compare(async (bin, dir) => {
    const a = { ...nodeConfig("a1", "A") };
    const b = nodeConfig("b1", "B");
    const file = dir.write("a.conf", gatewayConf(a, [a, b]));
    await using proc = await ServerProcess.start(bin, ["-c", file]);
    let peer: DenatsNode | null = await DenatsNode.start(dir, b, gatewayConf(b, [a, b]));
    try {
      await proc.waitForLine(
        /Outbound gateway connection to "B" \(N[A-Z0-9]+\) registered/,
        10_000,
      );
      await proc.waitForLine(
        /Inbound gateway connection from "B" \(N[A-Z0-9]+\) registered/,
        10_000,
      );
      await peer[Symbol.asyncDispose]();
      peer = null;
      await proc.waitForLine(/Gateway connection closed: /, 10_000);
      const from = proc.lines().findIndex((l) => /Gateway connection closed/.test(l));
      await proc.waitForLine(/Gateway connection closed: /, 10_000, from + 1);
    } finally {
      await peer?.[Symbol.asyncDispose]();
    }
    return proc.lines()
      .filter((l) => GATEWAY_LINE.test(l))
      .map((l) => normalizeLine(l).replace(/gid:\d+/, "gid:<N>").replace(/\(attempt \d+\)/, ""))
      .map((l) => l.replace(/^\[PID\] /, "").replace(/\d+\.\d+\.\d+\.\d+/g, "<IP>"))
      .sort();
  });
  for (
    const want of [
      "[INF] Gateway name is A",
      "[INF] Listening for gateways connections on <IP>:<PORT>",
      '[INF] Address for gateway "A" is <IP>:<PORT>',
      "[INF] <IP>:<PORT> - gid:<N> - Gateway connection closed: Client Closed",
    ]
  ) assert.ok(lines.includes(want), want);
});

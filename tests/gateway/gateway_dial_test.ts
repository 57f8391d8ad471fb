/**
 * @module
 * How a gateway dials a remote with several URLs (gateway.go solicitGateway): each attempt tries
 * every URL, in random order, before the 1 s pause. With three dead URLs and one live one, the
 * outbound gateway registers in the first attempt on denats and on nats-server alike (picking one
 * URL per attempt would mostly need several attempts).
 */
import { haveNatsServer, NATS_SERVER_BIN, ServerProcess } from "../process/_proc.ts";
import { DENATS_BIN } from "../process/_proc.ts";
import { DenatsNode, freePort, gatewayConf, nodeConfig, TempDir, waitFor } from "./_gateway.ts";
import assert from "node:assert/strict";

async function firstAttempt(kind: "denats" | "nats-server"): Promise<void> {
  await using dir = await TempDir.create();
  const b = nodeConfig("b1", "B");
  const a = nodeConfig("a1", "A");
  // B lists no gateway: it only accepts (and dials A back once A connected).
  await using _b = await DenatsNode.start(dir, b, gatewayConf(b, [b]));
  const urls = [freePort(), freePort(), freePort(), b.gatewayPort].map((p) =>
    `"nats://127.0.0.1:${p}"`
  );
  const conf = dir.write(
    "a1.conf",
    [
      `server_name: a1`,
      `listen: "127.0.0.1:${a.port}"`,
      `gateway {`,
      `  name: A`,
      `  listen: "127.0.0.1:${a.gatewayPort}"`,
      `  gateways: [{ name: B, urls: [${urls.join(", ")}] }]`,
      `}`,
    ].join("\n"),
  );
  const path = kind === "denats" ? DENATS_BIN : NATS_SERVER_BIN;
  await using proc = await ServerProcess.start({ kind, path }, ["-D", "-c", conf]);
  await proc.waitForLine(/Outbound gateway connection to "B" \(\w+\) registered/, 15_000);
  const lines = proc.lines();
  // With -D every attempt is logged (later ones at debug level).
  const connecting = lines.filter((l) => /Connecting to explicit gateway "B"/.test(l));
  assert.ok(connecting.length >= 1 && connecting.length <= 4, connecting.join("\n"));
  assert.ok(connecting.every((l) => l.endsWith("(attempt 1)")), connecting.join("\n"));
  // Every URL tried at most once in that attempt.
  const addresses = connecting.map((l) => l.match(/ at (\S+) \(attempt/)![1]);
  assert.equal(new Set(addresses).size, addresses.length);
  await waitFor(
    () => proc.lines().some((l) => /Inbound gateway connection from "B"/.test(l)),
    10_000,
  );
}

Deno.test("gateway dial: each attempt tries every URL of the remote (denats)", () =>
  firstAttempt("denats"));

Deno.test({
  name: "gateway dial: each attempt tries every URL of the remote (nats-server)",
  ignore: !haveNatsServer("the nats-server side of the gateway dial test"),
  fn: () => firstAttempt("nats-server"),
});

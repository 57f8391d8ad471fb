/**
 * @module
 * Mirrors and sources side by side: each scenario of _mirror_scenarios.ts runs against the
 * denats binary and nats-server 2.9.10 (each restarted on its own file store), and the
 * snapshots (stream info key sets, mirror/sources info, states, stored messages with their
 * sequences and headers) must be equal. Skipped, with a message, when nats-server is absent.
 */
import assert from "node:assert/strict";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import {
  crossAccount,
  mirrorAcrossRestart,
  mirrorBeforeOrigin,
  mirrorDirectAndRefusals,
  originGoneAndBack,
  sourceIntoFullStream,
  sourcesAcrossRestart,
  sourcesWithDuplicate,
  sourceUpdates,
  type Starter,
  startTimes,
} from "./_mirror_scenarios.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn("tests/jetstream/mirrors_compat_test.ts: nats-server not found; compat skipped");
}

/**
 * Runs `scenario` on `binary` with a fresh store directory kept across restarts; `logs` gets
 * each server's log when it stops.
 */
async function on<T>(
  binary: string,
  scenario: (s: Starter) => Promise<T>,
  logs: string[] = [],
): Promise<T> {
  const store = await Deno.makeTempDir({ prefix: "denats_jsm_" });
  try {
    return await scenario(async (extra = "") => {
      const conf = `jetstream { store_dir: ${JSON.stringify(store)} }\n${extra}`;
      const s = await spawnFromConf(binary, conf, { timeoutMs: 15_000 });
      return {
        port: s.port,
        close: async () => {
          await s.close("SIGTERM");
          logs.push(s.logs());
        },
      };
    });
  } finally {
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
}

async function both<T>(scenario: (s: Starter) => Promise<T>): Promise<[T, T]> {
  const ours = await on(DENATS, scenario);
  const theirs = await on(natsServerBinary(), scenario);
  return [ours, theirs];
}

Deno.test({
  name: "compat: a mirror across a server restart holds what nats-server's holds",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(mirrorAcrossRestart);
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name: "compat: a mirror created before its origin reports the same error, then catches up",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(mirrorBeforeOrigin);
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name: "compat: sources (filtered, opt_start_seq) across a restart hold what nats-server's hold",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(sourcesAcrossRestart);
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name: "compat: cross-account external mirror and source as nats-server",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(crossAccount);
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name: "compat: mirror_direct answers the origin's direct gets; mirrors with subjects refused",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(mirrorDirectAndRefusals);
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name: "compat: sources added and removed by updates as nats-server",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(sourceUpdates);
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name: "compat: a mirror whose origin is deleted and comes back continues as nats-server's",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(originGoneAndBack);
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name: "compat: a source into a full stream takes the refused message once there is room",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(sourceIntoFullStream);
    assert.deepEqual(ours, theirs);
  },
});

/** The distinct mirror/source warnings of a log, without pid and time. */
function upstreamWarnings(logs: string[]): string[] {
  const lines = logs.join("\n").split("\n").map((l) => l.replace(/^\[\d+\] \S+ \S+ /, ""));
  return [
    ...new Set(lines.filter((l) => /JetStream error response|Error processing inbound/.test(l))),
  ]
    .sort();
}

Deno.test({
  name: "compat: mirror and source warnings are worded as nats-server's",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const ours: string[] = [], theirs: string[] = [];
    await on(DENATS, mirrorBeforeOrigin, ours);
    await on(natsServerBinary(), mirrorBeforeOrigin, theirs);
    await on(DENATS, sourceIntoFullStream, ours);
    await on(natsServerBinary(), sourceIntoFullStream, theirs);
    assert.deepEqual(
      await on(DENATS, sourcesWithDuplicate, ours),
      await on(natsServerBinary(), sourcesWithDuplicate, theirs),
    );
    const expected = [
      `[WRN] Error processing inbound source "A" for '$G' > 'S': msgid is duplicate`,
      `[WRN] Error processing inbound source "O" for '$G' > 'F': maximum messages exceeded`,
      "[WRN] JetStream error response for create mirror consumer: stream not found (10059)",
    ];
    assert.deepEqual(upstreamWarnings(theirs), expected);
    assert.deepEqual(upstreamWarnings(ours), expected);
  },
});

Deno.test({
  name: "compat: a mirror and a source with opt_start_time start where nats-server's do",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    const [ours, theirs] = await both(startTimes);
    assert.deepEqual(ours, theirs);
  },
});

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
  sourcesAcrossRestart,
  sourceUpdates,
  type Starter,
} from "./_mirror_scenarios.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn("tests/jetstream/mirrors_compat_test.ts: nats-server not found; compat skipped");
}

/** Runs `scenario` on `binary` with a fresh store directory kept across restarts. */
async function on<T>(binary: string, scenario: (s: Starter) => Promise<T>): Promise<T> {
  const store = await Deno.makeTempDir({ prefix: "denats_jsm_" });
  try {
    return await scenario(async (extra = "") => {
      const conf = `jetstream { store_dir: ${JSON.stringify(store)} }\n${extra}`;
      const s = await spawnFromConf(binary, conf, { timeoutMs: 15_000 });
      return { port: s.port, close: () => s.close("SIGTERM") };
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

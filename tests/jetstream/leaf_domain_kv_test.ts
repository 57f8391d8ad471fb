/**
 * @module
 * KV writes addressed to another JetStream domain across a leafnode link (nats-server 2.9.10
 * jetstream.go enableAllJetStreamServiceImportsAndMappings, jetstream_api.go
 * generateJSMappingTable, parser.go mappings of LEAF messages): a client of the leaf server
 * publishes `$JS.HUB.API.$KV.TEST.<key>` (what nats.js does for a put on a KV mirror of a hub
 * bucket, or on a bucket opened with `domain: "HUB"`); the hub maps it to `$KV.TEST.<key>`, its
 * bucket stores it and the PubAck comes back. A client of the hub itself gets the same mapping,
 * and the leaf's mirror of the bucket (`mirror.domain`) follows. The scenario runs denats/denats
 * and, when nats-server is installed, nats-server/nats-server for reference.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { until } from "./_mirror_scenarios.ts";
import { freePort } from "../helpers/free_port.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();

type Spawned = Awaited<ReturnType<typeof spawnFromConf>>;

/** A request's JSON answer, or "timeout". */
async function ask(nc: NatsConnection, subject: string, data: string): Promise<unknown> {
  const m = await nc.request(subject, data, { timeout: 3000 }).catch(() => null);
  return m === null ? "timeout" : m.json();
}

interface Outcome {
  leafPut: unknown;
  hubPut: unknown;
  leafPutViaMirror: unknown;
  mirrorApi: string | undefined;
  bucket: string[];
  mirror: number;
}

async function scenario(binary: string): Promise<Outcome> {
  const leafPort = freePort();
  const hubStore = Deno.makeTempDirSync({ prefix: "denats_jslkv_" });
  const leafStore = Deno.makeTempDirSync({ prefix: "denats_jslkv_" });
  let hub: Spawned | null = null;
  let leaf: Spawned | null = null;
  try {
    hub = await spawnFromConf(
      binary,
      `server_name: HUB\njetstream { store_dir: ${JSON.stringify(hubStore)}, domain: HUB }\n` +
        `leafnodes { listen: "127.0.0.1:${leafPort}" }\n`,
      { timeoutMs: 20_000 },
    );
    leaf = await spawnFromConf(
      binary,
      `server_name: LEAF\njetstream { store_dir: ${JSON.stringify(leafStore)}, domain: LEAF }\n` +
        `leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${leafPort}" } ] }\n`,
      { timeoutMs: 20_000 },
    );
    const hnc = await connect({ port: hub.port });
    const lnc = await connect({ port: leaf.port });
    try {
      // The link is up when the leaf's clients reach the hub's JetStream through its domain.
      await until(async () => {
        const r = await ask(lnc, "$JS.HUB.API.INFO", "") as { domain?: string };
        return r?.domain === "HUB";
      }, 20_000);
      const hjsm = await jetstreamManager(hnc);
      await hjsm.streams.add({
        name: "KV_TEST",
        subjects: ["$KV.TEST.>"],
        max_msgs_per_subject: 1,
        allow_direct: true,
        allow_rollup_hdrs: true,
        deny_delete: true,
      });
      const leafPut = await ask(lnc, "$JS.HUB.API.$KV.TEST.name", "derek");
      const hubPut = await ask(hnc, "$JS.HUB.API.$KV.TEST.age", "22");
      const ljsm = await jetstreamManager(lnc);
      const si = await ljsm.streams.add({
        name: "KV_MIRROR",
        mirror: { name: "KV_TEST", domain: "HUB" },
        mirror_direct: true,
      });
      // The mirror holds the first two before the third put (which replaces the first).
      await until(async () => (await ljsm.streams.info("KV_MIRROR")).state.last_seq === 2, 10_000);
      // nats.js puts on the mirror bucket under the mirror's `external.api`.
      const api = si.config.mirror?.external?.api;
      const leafPutViaMirror = await ask(lnc, `${api}.$KV.TEST.name`, "rip");
      await until(async () => (await ljsm.streams.info("KV_MIRROR")).state.last_seq === 3, 10_000);
      const bucket: string[] = [];
      for (const key of ["name", "age"]) {
        const m = await hjsm.streams.getMessage("KV_TEST", { last_by_subj: `$KV.TEST.${key}` });
        bucket.push(m === null ? `${key}: none` : `${m.seq} ${m.subject} ${m.string()}`);
      }
      return {
        leafPut,
        hubPut,
        leafPutViaMirror,
        mirrorApi: api,
        bucket,
        mirror: (await ljsm.streams.info("KV_MIRROR")).state.messages,
      };
    } finally {
      await lnc.close();
      await hnc.close();
    }
  } finally {
    await leaf?.close("SIGTERM");
    await hub?.close("SIGTERM");
    await Deno.remove(hubStore, { recursive: true }).catch(() => {});
    await Deno.remove(leafStore, { recursive: true }).catch(() => {});
  }
}

function check(o: Outcome): void {
  assert.deepEqual(o.leafPut, { stream: "KV_TEST", domain: "HUB", seq: 1 });
  assert.deepEqual(o.hubPut, { stream: "KV_TEST", domain: "HUB", seq: 2 });
  assert.equal(o.mirrorApi, "$JS.HUB.API");
  assert.deepEqual(o.leafPutViaMirror, { stream: "KV_TEST", domain: "HUB", seq: 3 });
  assert.deepEqual(o.bucket, ["3 $KV.TEST.name rip", "2 $KV.TEST.age 22"]);
  // The mirror has no per-subject limit: it keeps all three.
  assert.equal(o.mirror, 3);
}

Deno.test("leaf domain KV: puts through $JS.<domain>.API.$KV reach the hub's bucket", async () => {
  check(await scenario(DENATS));
});

Deno.test({
  name: "leaf domain KV: the same scenario on nats-server (reference)",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    check(await scenario(natsServerBinary()));
  },
});

/**
 * @module
 * JetStream encryption at rest (`jetstream { key, cipher }`) end to end with the `bin/denats`
 * binary and a real client: messages and a durable consumer's config and acks survive a restart
 * with the same key, no marker put in a subject, header, payload or consumer filter is in clear
 * in any file of the store; a restart with a wrong key, or without a key, leaves the stream out
 * with nats-server's warning while the server keeps serving; a stream saved in clear is
 * encrypted when the server starts with a key (`Encrypting stream`). With nats-server on the
 * machine, its warnings for the same wrong key and missing key are compared. A snapshot of an
 * encrypted stream restores (and is encrypted again on the restoring server).
 */
import assert from "node:assert/strict";
import { connect, headers } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { backup, restore } from "./_snapshot_client.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
const MARKERS = ["SUBJMARK", "HDRMARK", "PAYLOADMARK", "FILTERMARK"];
const enc = new TextEncoder();

/** The conf of a server on `store` with `key` (none when empty). */
function conf(store: string, key: string, cipher = "aes"): string {
  const k = key === "" ? "" : `, key: ${JSON.stringify(key)}, cipher: ${cipher}`;
  return `jetstream { store_dir: ${JSON.stringify(store)}${k} }`;
}

/** Every file under `dir`. */
function files(dir: string, out: string[] = []): string[] {
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) files(p, out);
    else if (e.isFile) out.push(p);
  }
  return out;
}

/** The markers found in clear in a file under `dir` ("<path>: <marker>"). */
function markersInClear(dir: string): string[] {
  const found: string[] = [];
  for (const path of files(dir)) {
    const text = new TextDecoder("latin1").decode(Deno.readFileSync(path));
    for (const m of MARKERS) if (text.includes(m)) found.push(`${path}: ${m}`);
  }
  return found;
}

/** Creates stream ENC with 20 messages and durable D (filter with a marker) that acked 5. */
async function fill(port: number): Promise<void> {
  const nc = await connect({ port });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "ENC", subjects: ["enc.>"] });
    const js = jetstream(nc);
    for (let i = 1; i <= 20; i++) {
      const h = headers();
      h.set("X-Secret", `HDRMARK-${i}`);
      await js.publish(`enc.SUBJMARK.FILTERMARK.${i}`, enc.encode(`PAYLOADMARK ${i}`), {
        headers: h,
      });
    }
    await jsm.consumers.add("ENC", {
      durable_name: "D",
      ack_policy: AckPolicy.Explicit,
      filter_subject: "enc.SUBJMARK.FILTERMARK.>",
    });
    const c = await js.consumers.get("ENC", "D");
    const batch = await c.fetch({ max_messages: 5, expires: 2000 });
    for await (const m of batch) m.ack();
    // The acks are processed before the server stops (the info reflects them).
    const deadline = Date.now() + 5000;
    while ((await jsm.consumers.info("ENC", "D")).ack_floor.stream_seq < 5) {
      if (Date.now() > deadline) throw new Error("acks not seen");
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await nc.close();
  }
}

Deno.test("encrypted store: publish, consume, restart with the same key, nothing in clear on disk", async () => {
  const store = await Deno.makeTempDir({ prefix: "denats_jsenc_" });
  try {
    {
      await using first = await spawnFromConf(DENATS, conf(store, "s3cr3t"), { timeoutMs: 10_000 });
      assert.match(first.logs(), /Encryption: +AES-GCM/);
      await fill(first.port);
      await first.close("SIGTERM");
    }
    assert.deepEqual(markersInClear(store), []);
    assert.ok(files(store).some((p) => p.endsWith("/streams/ENC/meta.key")));
    await using second = await spawnFromConf(DENATS, conf(store, "s3cr3t"), { timeoutMs: 10_000 });
    const nc = await connect({ port: second.port });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info("ENC");
      assert.deepEqual([info.state.messages, info.state.last_seq], [20, 20]);
      const ci = await jsm.consumers.info("ENC", "D");
      assert.equal(ci.config.filter_subject, "enc.SUBJMARK.FILTERMARK.>");
      assert.equal(ci.ack_floor.stream_seq, 5);
      const js = jetstream(nc);
      const c = await js.consumers.get("ENC", "D");
      const m = await c.next({ expires: 2000 });
      assert.ok(m !== null);
      assert.equal(m.seq, 6);
      assert.equal(m.subject, "enc.SUBJMARK.FILTERMARK.6");
      assert.equal(m.string(), "PAYLOADMARK 6");
      assert.equal(m.headers?.get("X-Secret"), "HDRMARK-6");
      m.ack();
      assert.equal((await js.publish("enc.after", "x")).seq, 21);
    } finally {
      await nc.close();
    }
  } finally {
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
});

/**
 * Fills an encrypted store with `binary`, restarts it with `key` (empty: none); returns the
 * warnings of the restart and the stream names it serves.
 */
async function restartWith(binary: string, key: string): Promise<string[]> {
  const store = await Deno.makeTempDir({ prefix: "denats_jsenc_" });
  try {
    {
      await using first = await spawnFromConf(binary, conf(store, "s3cr3t"), { timeoutMs: 10_000 });
      await fill(first.port);
      await first.close("SIGTERM");
    }
    await using second = await spawnFromConf(binary, conf(store, key), { timeoutMs: 10_000 });
    const nc = await connect({ port: second.port });
    const jsm = await jetstreamManager(nc);
    const names = await jsm.streams.names().next();
    // Still serving: a new stream works.
    await jsm.streams.add({ name: "NEW", subjects: ["new"] });
    await nc.close();
    const warnings = second.logs().split("\n").filter((l) => /\[WRN\]/.test(l));
    return [...warnings.map((l) => l.replace(/^.*?\[WRN\] /, "")), `names: ${names}`];
  } finally {
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
}

Deno.test("encrypted store: a restart with a wrong key leaves the stream out with a warning", async () => {
  const ours = await restartWith(DENATS, "wrong");
  assert.deepEqual(ours, [
    "  Error decrypting our stream metafile: chacha20poly1305: message authentication failed",
    "names: ",
  ]);
  if (HAVE_NATS_SERVER) assert.deepEqual(await restartWith(natsServerBinary(), "wrong"), ours);
});

Deno.test("encrypted store: a restart without a key leaves the stream out with a warning", async () => {
  const ours = await restartWith(DENATS, "");
  assert.deepEqual(ours, [
    "  Error decrypting our stream metafile: encryption not enabled",
    "names: ",
  ]);
  if (HAVE_NATS_SERVER) assert.deepEqual(await restartWith(natsServerBinary(), ""), ours);
});

Deno.test("a stream saved in clear is encrypted when the server restarts with a key", async () => {
  const store = await Deno.makeTempDir({ prefix: "denats_jsenc_" });
  try {
    {
      await using first = await spawnFromConf(DENATS, conf(store, ""), { timeoutMs: 10_000 });
      await fill(first.port);
      await first.close("SIGTERM");
    }
    assert.notDeepEqual(markersInClear(store), []);
    {
      await using second = await spawnFromConf(DENATS, conf(store, "k", "chacha"), {
        timeoutMs: 10_000,
      });
      assert.match(second.logs(), /\[INF\] {3}Encrypting stream '\$G > ENC'/);
      const nc = await connect({ port: second.port });
      const info = await (await jetstreamManager(nc)).streams.info("ENC");
      assert.equal(info.state.messages, 20);
      await nc.close();
      await second.close("SIGTERM");
    }
    assert.deepEqual(markersInClear(store), []);
    await using third = await spawnFromConf(DENATS, conf(store, "k", "chacha"), {
      timeoutMs: 10_000,
    });
    const nc = await connect({ port: third.port });
    try {
      const jsm = await jetstreamManager(nc);
      assert.equal((await jsm.streams.info("ENC")).state.messages, 20);
      assert.equal((await jsm.consumers.info("ENC", "D")).ack_floor.stream_seq, 5);
      const m = await jsm.streams.getMessage("ENC", { seq: 20 });
      assert.equal(m?.string(), "PAYLOADMARK 20");
    } finally {
      await nc.close();
    }
  } finally {
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
});

Deno.test("encrypted store: snapshot and restore, the restored stream encrypted and recovered", async () => {
  const store = await Deno.makeTempDir({ prefix: "denats_jsenc_" });
  try {
    {
      await using first = await spawnFromConf(DENATS, conf(store, "s3cr3t"), { timeoutMs: 10_000 });
      await fill(first.port);
      const nc = await connect({ port: first.port });
      try {
        const b = await backup(nc, "ENC");
        assert.ok(!("error" in b.response), JSON.stringify(b.response));
        const jsm = await jetstreamManager(nc);
        await jsm.streams.delete("ENC");
        const r = await restore(nc, "ENC", { config: b.response.config }, b.archive);
        assert.ok(r.final && !("error" in r.final), JSON.stringify(r));
        assert.equal((await jsm.streams.info("ENC")).state.messages, 20);
        assert.equal((await jsm.consumers.info("ENC", "D")).ack_floor.stream_seq, 5);
      } finally {
        await nc.close();
      }
      await first.close("SIGTERM");
    }
    assert.deepEqual(markersInClear(store), []);
    await using second = await spawnFromConf(DENATS, conf(store, "s3cr3t"), { timeoutMs: 10_000 });
    const nc = await connect({ port: second.port });
    try {
      const jsm = await jetstreamManager(nc);
      assert.equal((await jsm.streams.info("ENC")).state.messages, 20);
      assert.equal((await jsm.consumers.info("ENC", "D")).ack_floor.stream_seq, 5);
      assert.equal((await jsm.streams.getMessage("ENC", { seq: 7 }))?.string(), "PAYLOADMARK 7");
    } finally {
      await nc.close();
    }
  } finally {
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
});

Deno.test("encrypted store: a restart with the other cipher keeps the stream's own", async () => {
  const store = await Deno.makeTempDir({ prefix: "denats_jsenc_" });
  try {
    {
      await using first = await spawnFromConf(DENATS, conf(store, "s3cr3t"), { timeoutMs: 10_000 });
      await fill(first.port);
      await first.close("SIGTERM");
    }
    await using second = await spawnFromConf(DENATS, conf(store, "s3cr3t", "chacha"), {
      timeoutMs: 10_000,
    });
    // nats-server converts the stream ("Converting from AES-GCM to ChaCha20-Poly1305 ...").
    assert.match(second.logs(), /\[INF\] {3}Keeping AES-GCM for stream '\$G > ENC'/);
    const nc = await connect({ port: second.port });
    try {
      const jsm = await jetstreamManager(nc);
      assert.equal((await jsm.streams.info("ENC")).state.messages, 20);
      assert.equal((await jsm.consumers.info("ENC", "D")).ack_floor.stream_seq, 5);
    } finally {
      await nc.close();
    }
  } finally {
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
});

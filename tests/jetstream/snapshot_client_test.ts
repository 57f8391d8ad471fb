/**
 * @module
 * Stream snapshot and restore against an in-process denats over real sockets, with the client
 * side the `nats stream backup` / `nats stream restore` CLI speaks (_snapshot_client.ts): a file
 * stream with deleted messages and durable consumers (acked and pending) is snapshotted,
 * deleted and restored with the same messages, sequences, deletes and consumer state, which
 * also survive a restart; chunks follow `chunk_size` with ack reply subjects and end with an
 * empty message; `no_consumers` leaves the consumers out; restore over an existing name,
 * archives that are not an S2 stream, truncated, escape the stream directory, hold another
 * stream, a corrupt block or a bad consumer are refused with nats-server's errors and leave no stream or directory behind; a
 * memory stream restores from its config as nats-server 2.9.10 does.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventually, JsTestDir } from "./_js_server.ts";
import { backup, restore } from "./_snapshot_client.ts";
import { s2Frame, s2Unframe } from "../../server/jetstream/store/archive/s2_frame.ts";
import { tarPack, tarUnpack } from "../../server/jetstream/store/archive/tar.ts";

const CREATE = "io.nats.jetstream.api.v1.stream_create_response";

/** Stream S: 20 messages on s.<n % 4>, seqs 3, 7 and 8 deleted; consumers C1 and C2. */
async function fill(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "S", subjects: ["s.>"] });
  const js = jetstream(nc);
  for (let i = 1; i <= 20; i++) await js.publish(`s.${i % 4}`, `m${i}`);
  for (const seq of [3, 7, 8]) await jsm.streams.deleteMessage("S", seq);
  await jsm.consumers.add("S", { durable_name: "C1", ack_policy: AckPolicy.Explicit });
  await jsm.consumers.add("S", {
    durable_name: "C2",
    ack_policy: AckPolicy.Explicit,
    filter_subject: "s.1",
  });
  const c1 = await js.consumers.get("S", "C1");
  const iter = await c1.fetch({ max_messages: 6, expires: 2000 });
  for await (const m of iter) {
    // Acked: 1, 2, 5; pending: 4, 6, 9.
    if (m.seq === 1 || m.seq === 2 || m.seq === 5) await m.ackAck();
  }
  const c2 = await js.consumers.get("S", "C2");
  const iter2 = await c2.fetch({ max_messages: 2, expires: 2000 });
  for await (const m of iter2) await m.ackAck();
}

/**
 * A server in a fresh directory with stream S filled ({@link fill}) and a client of it; the
 * client, the server and the directory go on dispose, in that order.
 */
async function filledServer() {
  const dir = new JsTestDir();
  const server = await dir.start();
  const nc = await connect({ port: server.port });
  const dispose = async () => {
    try {
      await nc.close();
      await server[Symbol.asyncDispose]();
    } finally {
      dir[Symbol.dispose]();
    }
  };
  try {
    await fill(nc);
  } catch (e) {
    await dispose();
    throw e;
  }
  return { dir, nc, [Symbol.asyncDispose]: dispose };
}

/** What must survive: state with deleted details, every message, consumer positions. */
async function picture(nc: NatsConnection): Promise<Record<string, unknown>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info("S", { deleted_details: true });
  const msgs: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    try {
      const m = await jsm.streams.getMessage("S", { seq });
      msgs.push(m === null ? `${seq} -` : `${seq} ${m.subject} ${m.string()}`);
    } catch {
      msgs.push(`${seq} -`);
    }
  }
  const consumers: Record<string, unknown> = {};
  for (const name of ["C1", "C2"]) {
    try {
      const c = await jsm.consumers.info("S", name);
      // last_active is not kept (nats-server keeps it in memory only).
      consumers[name] = {
        delivered: { ...c.delivered, last_active: undefined },
        ack_floor: { ...c.ack_floor, last_active: undefined },
        num_ack_pending: c.num_ack_pending,
        num_pending: c.num_pending,
        config: c.config.filter_subject ?? "",
      };
    } catch {
      consumers[name] = null;
    }
  }
  const { state, config, created } = info;
  return { state, config, created, msgs, consumers };
}

Deno.test("snapshot and restore: messages, deletes and consumer state, then a restart", async () => {
  using dir = new JsTestDir();
  let before: Record<string, unknown>;
  let archive: Uint8Array;
  {
    await using server = await dir.start();
    const nc = await connect({ port: server.port });
    try {
      await fill(nc);
      before = await picture(nc);
      const b = await backup(nc, "S", { jsck: true });
      assert.equal(b.response.type, "io.nats.jetstream.api.v1.stream_snapshot_response");
      assert.deepEqual(Object.keys(b.response), ["type", "config", "state"]);
      assert.equal((b.response.state as { messages: number }).messages, 17);
      assert.equal((b.response.state as { consumer_count: number }).consumer_count, 2);
      archive = b.archive;
      const names = tarUnpack(s2Unframe(archive)).map((e) => e.name);
      assert.ok(names.includes("meta.inf") && names.includes("obs/C1/meta.inf"), `${names}`);
      const jsm = await jetstreamManager(nc);
      assert.equal(await jsm.streams.delete("S"), true);
      const r = await restore(
        nc,
        "S",
        {
          config: b.response.config,
          state: b.response.state,
        },
        archive,
        700,
      );
      assert.match(r.response.deliver_subject as string, /^\$JS\.SNAPSHOT\.RESTORE\.S\.\w+$/);
      assert.equal(r.final!.type, CREATE);
      assert.deepEqual(Object.keys(r.final!), ["type", "config", "created", "state"]);
      assert.deepEqual(await picture(nc), before);
      // The restored stream goes on from its last sequence, and C1's pending are redelivered.
      assert.equal((await jetstream(nc).publish("s.x", "next")).seq, 21);
    } finally {
      await nc.close();
    }
  }
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  try {
    const after = await picture(nc);
    const msgs = after.msgs as string[];
    assert.equal(msgs.pop(), "21 s.x next");
    assert.deepEqual(msgs, before.msgs);
    const state = after.state as { messages: number; deleted: number[] };
    assert.equal(state.messages, 18);
    assert.deepEqual(state.deleted, [3, 7, 8]);
    const was = before.consumers as Record<string, Record<string, unknown>>;
    // One more message for C1 (no filter) to deliver; C2 (s.1) has the same.
    assert.deepEqual(after.consumers, { C1: { ...was.C1, num_pending: 12 }, C2: was.C2 });
    assert.equal(after.created, before.created);
    // The restarted server restores the archive too (over a fresh delete).
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete("S");
    const info = await jsm.streams.info("S").catch(() => null);
    assert.equal(info, null);
    const again = await restore(nc, "S", { config: before.config }, archive);
    assert.equal(again.final!.type, CREATE);
    assert.deepEqual(await picture(nc), before);
  } finally {
    await nc.close();
  }
});

Deno.test("snapshot: chunk_size chunks with ack subjects, an empty end, no_consumers", async () => {
  await using stream = await filledServer();
  const { nc } = stream;
  const events: string[] = [];
  const advisories = nc.subscribe("$JS.EVENT.ADVISORY.STREAM.*.S", {
    callback: (_, m) => void events.push(`${m.subject} ${m.json<{ type: string }>().type}`),
  });
  const b = await backup(nc, "S", { chunk_size: 512, no_consumers: true });
  assert.ok(b.chunks.length > 4);
  b.chunks.forEach((c, i) => {
    const last = i === b.chunks.length - 1;
    if (!last) assert.equal(c.size, 512);
    const m = c.reply.match(/^\$JS\.SNAPSHOT\.ACK\.S\.(\w+)\.(\d+)\.(\d+)$/);
    assert.ok(m, c.reply);
    assert.equal(Number(m[2]), c.size);
    assert.equal(Number(m[3]), i + 1);
  });
  assert.equal(b.endReply, "");
  const names = tarUnpack(s2Unframe(b.archive)).map((e) => e.name);
  assert.ok(!names.some((n) => n.startsWith("obs/")), `${names}`);
  assert.ok(names.includes("meta.inf") && names.some((n) => n.startsWith("blk/")));
  // A snapshot without consumers restores under its own name without them.
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete("S");
  const r = await restore(nc, "S", { config: b.response.config }, b.archive);
  assert.equal(r.final!.type, CREATE);
  assert.equal((r.final!.state as { messages: number }).messages, 17);
  assert.equal((await jsm.streams.info("S")).state.consumer_count, 0);
  // The request's config is the restored stream's (nats-server updates to it): a lower
  // max_msgs keeps the newest messages.
  await jsm.streams.delete("S");
  const limited = { ...(b.response.config as Record<string, unknown>), max_msgs: 5 };
  const r2 = await restore(nc, "S", { config: limited }, b.archive);
  const st = r2.final!.state as { messages: number; first_seq: number; last_seq: number };
  assert.deepEqual([st.messages, st.first_seq, st.last_seq], [5, 16, 20]);
  assert.equal((await jsm.streams.info("S")).config.max_msgs, 5);
  const adv = "$JS.EVENT.ADVISORY.STREAM";
  const t = "io.nats.jetstream.advisory.v1";
  await eventually(() => events.length >= 10);
  advisories.unsubscribe();
  // The two restores give the same four; the first backup and restore in order:
  assert.deepEqual(events.slice(6), events.slice(2, 6));
  assert.deepEqual(events.slice(0, 6), [
    `${adv}.SNAPSHOT_CREATE.S ${t}.snapshot_create`,
    `${adv}.SNAPSHOT_COMPLETE.S ${t}.snapshot_complete`,
    `${adv}.DELETED.S ${t}.stream_action`,
    `${adv}.RESTORE_CREATE.S ${t}.restore_create`,
    `${adv}.CREATED.S ${t}.stream_action`,
    `${adv}.RESTORE_COMPLETE.S ${t}.restore_complete`,
  ]);
});

function rewrap(archive: Uint8Array, edit: (e: { name: string; data: Uint8Array }[]) => void) {
  const entries = tarUnpack(s2Unframe(archive)).map((e) => ({ name: e.name, data: e.data }));
  edit(entries);
  return s2Frame(tarPack(entries));
}

Deno.test("restore: bad archives fail with nats-server's errors and leave nothing behind", async () => {
  await using stream = await filledServer();
  const { dir, nc } = stream;
  const b = await backup(nc, "S");
  const jsm = await jetstreamManager(nc);
  const config = b.response.config as Record<string, unknown>;
  const failure = async (archive: Uint8Array, name = "S") => {
    const r = await restore(nc, name, { config: { ...config, name } }, archive, 300);
    assert.equal(r.final!.type, CREATE);
    const err = r.final!.error as { code: number; err_code: number; description: string };
    assert.equal(err.code, 500);
    assert.equal(err.err_code, 10062);
    return err.description;
  };
  // Over the existing stream: refused before any upload.
  const over = await restore(nc, "S", { config }, b.archive);
  assert.deepEqual(over.response.error, {
    code: 400,
    err_code: 10130,
    description: "stream name already in use, cannot restore",
  });
  await jsm.streams.delete("S");
  assert.equal(
    await failure(b.archive.subarray(0, b.archive.length - 100)),
    "restore failed: s2: corrupt input",
  );
  const flipped = b.archive.slice();
  flipped[flipped.length - 3] ^= 0xff;
  assert.equal(await failure(flipped), "restore failed: s2: corrupt input, crc mismatch");
  const tar = s2Unframe(b.archive);
  assert.equal(
    await failure(s2Frame(tar.subarray(0, 512 + 100))),
    "restore failed: unexpected EOF",
  );
  const escape = rewrap(
    b.archive,
    (e) => e.push({ name: "../../evil", data: new Uint8Array(1) }),
  );
  assert.equal(await failure(escape), "restore failed: unexpected content (account=$G)");
  // An archive without the stream's config (nats-server: the missing meta.inf's open error).
  assert.match(
    await failure(rewrap(b.archive, (e) => e.splice(0, e.length))),
    /^restore failed: open .*\/__snapshots__\/snap-\w+\/meta\.inf: no such file or directory$/,
  );
  assert.equal(await failure(b.archive, "T"), "restore failed: stream names do not match");
  // addStream's checks, after the upload: replicas on a single server, subject overlap.
  const r3 = await restore(nc, "S", { config: { ...config, num_replicas: 3 } }, b.archive);
  assert.deepEqual(r3.final!.error, {
    code: 500,
    err_code: 10074,
    description: "replicas > 1 not supported in non-clustered mode",
  });
  await jsm.streams.add({ name: "O", subjects: ["s.1"] });
  const overlap = await restore(nc, "S", { config }, b.archive);
  assert.deepEqual(overlap.final!.error, {
    code: 400,
    err_code: 10065,
    description: "subjects overlap with an existing stream",
  });
  await jsm.streams.delete("O");
  const garbage = rewrap(b.archive, (e) => {
    const blk = e.find((x) => x.name.startsWith("blk/"))!;
    blk.data = blk.data.map((v, i) => i > 40 ? v ^ 0x5a : v);
  });
  assert.match(
    await failure(garbage),
    /^restore failed: message block "blk\/\d+\.blk" is corrupt/,
  );
  const badConsumer = rewrap(b.archive, (e) => {
    e.find((x) => x.name === "obs/C2/meta.inf")!.data = new TextEncoder().encode("{bad");
  });
  assert.match(
    await failure(badConsumer),
    /^restore failed: error restoring consumer \["C2"\]: invalid character 'b'/,
  );
  const noMeta = rewrap(b.archive, (e) => {
    e.splice(e.findIndex((x) => x.name === "obs/C2/meta.inf"), 1);
    e.push({ name: "obs/C2/other", data: new Uint8Array(1) });
  });
  assert.match(
    await failure(noMeta),
    /^restore failed: error restoring consumer \["C2"\]: stat .*: no such file or directory$/,
  );
  const sum = rewrap(b.archive, (e) => {
    const meta = e.find((x) => x.name === "meta.sum")!;
    meta.data = new TextEncoder().encode("0".repeat(64));
  });
  assert.match(await failure(sum), /^restore failed: Stream metafile .*checksums do not match/);
  assert.equal(await jsm.streams.names().next().then((n) => n.length), 0);
  const left = [...Deno.readDirSync(`${dir.dir}/js/jetstream/$G/streams`)].map((e) => e.name);
  assert.deepEqual(left, []);
  const staging = [...Deno.readDirSync(`${dir.dir}/js/jetstream/$G/__snapshots__`)];
  assert.deepEqual(staging, []);
  // Still fine afterwards: the good archive restores.
  const ok = await restore(nc, "S", { config }, b.archive);
  assert.equal((ok.final!.state as { messages: number }).messages, 17);
});

Deno.test("restore: a memory stream is created from its config (nats-server 2.9.10)", async () => {
  await using stream = await filledServer();
  const { dir, nc } = stream;
  const b = await backup(nc, "S");
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete("S");
  const config = { ...(b.response.config as Record<string, unknown>), storage: "memory" };
  const r = await restore(nc, "S", { config }, b.archive);
  assert.equal(r.final!.type, CREATE);
  const info = await jsm.streams.info("S");
  assert.equal(info.config.storage, "memory");
  assert.equal(info.state.messages, 0);
  await eventually(() => {
    try {
      Deno.statSync(`${dir.dir}/js/jetstream/$G/streams/S`);
      return false;
    } catch {
      return true;
    }
  });
});

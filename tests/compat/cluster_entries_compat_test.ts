/**
 * @module
 * Clustered JetStream's RAFT entries against real nats-server 2.9.10 traffic: a 3-server
 * JetStream cluster serves an R3 stream and an R3 durable consumer through a stream's whole life
 * (create, publish, fetch and ack, message delete, purge, update, consumer delete, stream
 * delete; the fetch's pull request replicated as pending) while a system-account client records
 * every `$NRG` append entry. Every entry must
 * decode with `server/jetstream/cluster/entries.ts` and re-encode to the same bytes, and every
 * op that life produces must have been seen; the meta entries, applied in log order to a
 * `MetaState`, must walk the same life (and snapshot and restore on the way). Skipped when
 * nats-server is not installed.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type Delivery, RawClient } from "../helpers/raw_client.ts";
import { natsServerAvailable } from "../helpers/spawn_server.ts";
import { bytesOf, createStream, nextMsg, planCluster, spawn } from "./_raft_cluster.ts";
import { decodeAppendEntry, EntryType } from "../../server/raft/wire.ts";
import {
  decodeAcks,
  decodeCompressedStreamMsg,
  decodeDelivered,
  decodeJsonEntry,
  decodePendingRequest,
  decodeSkip,
  decodeStreamMsg,
  encodeAcks,
  encodeDelivered,
  encodeJsonEntry,
  encodePendingRequest,
  encodeSkip,
  encodeStreamMsg,
  EntryOp,
} from "../../server/jetstream/cluster/entries.ts";
import { MetaState } from "../../server/jetstream/cluster/meta_state.ts";

/** Re-encodes one entry with our codec; the op name, or null for an op we do not decode. */
function roundTrip(data: Uint8Array): string | null {
  const op = data[0];
  const body = data.subarray(1);
  const name = Object.entries(EntryOp).find(([, v]) => v === op)?.[0] ?? `op${op}`;
  let again: Uint8Array | null = null;
  if (op === EntryOp.StreamMsg) {
    const m = decodeStreamMsg(body);
    assert.ok(m, "stream msg");
    again = encodeStreamMsg(m);
  } else if (op === EntryOp.UpdateDelivered) {
    const d = decodeDelivered(body);
    assert.ok(d, "delivered");
    again = encodeDelivered(d);
  } else if (op === EntryOp.UpdateAcks) {
    const a = decodeAcks(body);
    assert.ok(a, "acks");
    again = encodeAcks(a.dseq, a.sseq);
  } else if (op === EntryOp.CompressedStreamMsg) {
    // Go compresses with its own matches: check the content instead of the bytes.
    const m = decodeCompressedStreamMsg(body);
    assert.ok(m, "compressed stream msg");
    assert.equal(m.subject, "raft.s");
    assert.equal(new TextDecoder().decode(m.data!), "x".repeat(8192));
    return name;
  } else if (op === EntryOp.UpdateSkip) {
    again = encodeSkip(decodeSkip(body)!);
  } else if (op === EntryOp.AddPendingRequest || op === EntryOp.RemovePendingRequest) {
    const reply = decodePendingRequest(body);
    assert.match(reply, /^_INBOX\./);
    again = encodePendingRequest(op, reply);
  } else {
    const j = decodeJsonEntry(data);
    if (j === null) return null;
    again = encodeJsonEntry(j);
  }
  assert.deepEqual(again, data, `${name} re-encodes to the same bytes`);
  return name;
}

Deno.test({
  name: "nats-server's clustered JetStream entries decode and re-encode byte for byte",
  ignore: !natsServerAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { storeDir, confs } = await planCluster();
    const servers = await Promise.all(confs.map(spawn));
    const seen = new Map<string, number>();
    const undecoded: number[] = [];
    try {
      await using sys = await RawClient.open({ host: "127.0.0.1", port: servers[0].port }, {
        user: "sys",
        pass: "sys",
      });
      await sys.send("SUB $NRG.AE.> 1\r\n");
      await sys.flush();
      let recording = true;
      const deliveries: Delivery[] = [];
      const reader = (async () => {
        while (recording) {
          try {
            deliveries.push(await nextMsg(sys, 500));
          } catch { /* quiet */ }
        }
      })();

      await using raw = await RawClient.open({ host: "127.0.0.1", port: servers[1].port }, {
        user: "a",
        pass: "a",
      });
      await createStream(raw, Date.now() + 20_000);
      const nc = await connect({ port: servers[1].port, user: "a", pass: "a" });
      try {
        const js = jetstream(nc);
        const jsm = await jetstreamManager(nc);
        for (let i = 1; i <= 4; i++) {
          await js.publish("raft.s", `m${i}`, { headers: undefined, msgID: i === 2 ? "id-2" : "" });
        }
        // Over 4 KiB: Go sends it compressed only once its peers agreed to (compressOK); 2.9.10
        // in this cluster sends it plain, which is checked like the others.
        await js.publish("raft.s", "x".repeat(8192));
        await jsm.consumers.add("RAFTS", { durable_name: "D", ack_policy: AckPolicy.Explicit });
        const consumer = await js.consumers.get("RAFTS", "D");
        const batch = await consumer.fetch({ max_messages: 2, expires: 2000 });
        for await (const m of batch) await m.ackAck();
        await jsm.streams.deleteMessage("RAFTS", 3);
        await jsm.streams.purge("RAFTS", { filter: "raft.s", keep: 1 });
        await jsm.streams.update("RAFTS", { subjects: ["raft.s", "raft.t"] });
        await jsm.consumers.delete("RAFTS", "D");
        await jsm.streams.delete("RAFTS");
      } finally {
        await nc.close();
      }
      // Give the last entries time to be replicated, then stop recording.
      const until = Date.now() + 1500;
      while (Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      recording = false;
      await reader;

      const meta = new Map<number, Uint8Array>();
      for (const d of deliveries) {
        const ae = decodeAppendEntry(bytesOf(d.payload));
        if (d.subject === "$NRG.AE._meta_") {
          ae.entries.forEach((e, i) => {
            if (e.type === EntryType.Normal) meta.set(ae.pindex + 1 + i, e.data);
          });
        }
        for (const e of ae.entries) {
          if (e.type !== EntryType.Normal || e.data.length === 0) continue;
          const name = roundTrip(e.data);
          if (name === null) undecoded.push(e.data[0]);
          else seen.set(name, (seen.get(name) ?? 0) + 1);
        }
      }
      for (
        const op of [
          "AssignStream",
          "AssignConsumer",
          "StreamMsg",
          "UpdateDelivered",
          "UpdateAcks",
          "AddPendingRequest",
          "RemovePendingRequest",
          "DeleteMsg",
          "PurgeStream",
          "UpdateStream",
          "RemoveConsumer",
          "RemoveStream",
        ]
      ) assert.ok(seen.has(op), `never saw ${op} (saw ${[...seen.keys()]})`);
      assert.deepEqual(undecoded, [], "entries our codec does not read (ops)");

      // The meta entries, applied in log order, walk the stream's life in a MetaState.
      const state = new MetaState();
      const changes: string[] = [];
      for (const index of [...meta.keys()].sort((a, b) => a - b)) {
        for (const c of state.apply(meta.get(index)!)) {
          const what = "stream" in c ? c.stream : c.consumer;
          changes.push(`${c.kind} ${what.account}/${what.name} ${what.group.peers.length}`);
          if (c.kind === "consumer-added") {
            // Mid-life: the snapshot of this state reads back to the same state.
            const copy = new MetaState();
            copy.applySnapshotJson(state.snapshotJson());
            assert.equal(copy.snapshotJson(), state.snapshotJson());
          }
        }
      }
      assert.deepEqual(changes, [
        "stream-added A/RAFTS 3",
        "consumer-added A/D 3",
        "stream-updated A/RAFTS 3",
        "consumer-removed A/D 3",
        "stream-removed A/RAFTS 3",
      ]);
      assert.deepEqual([...state.streams()], []);
    } finally {
      for (const s of servers) await s.close();
      await Deno.remove(storeDir, { recursive: true }).catch(() => {});
    }
  },
});

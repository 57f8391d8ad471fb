import assert from "node:assert/strict";
import { parseJson } from "../api/go_json.ts";
import { encodeJsonEntry, EntryOp, type JsonEntry } from "./entries.ts";
import { MetaEntryError, MetaState } from "./meta_state.ts";

const group = (name: string) => `{"name":"${name}","peers":["p1","p2","p3"],"store":"file"}`;

function stream(op: number, name: string, acc = "A", extra = ""): Uint8Array {
  const body =
    `{"client":{"acc":"${acc}"},"created":"2026-12-07T00:00:00Z","stream":{"name":"${name}"${extra}},"group":${
      group(`S-R3F-${name}`)
    },"sync":"$JS.SYNC.${name}","subject":"","reply":""}`;
  return encodeJsonEntry({ op, body: parseJson(body) } as JsonEntry);
}

function consumer(op: number, stream: string, name: string, acc = "A"): Uint8Array {
  const body =
    `{"client":{"acc":"${acc}"},"created":"2026-12-07T00:00:00Z","name":"${name}","stream":"${stream}","consumer":{"durable_name":"${name}"},"group":${
      group(`C-R3F-${name}`)
    },"subject":"","reply":""}`;
  return encodeJsonEntry({ op, body: parseJson(body) } as JsonEntry);
}

const kinds = (changes: { kind: string }[]) => changes.map((c) => c.kind);

Deno.test("meta state: assignments applied in order, with what each changed", () => {
  const m = new MetaState();
  assert.deepEqual(kinds(m.apply(stream(EntryOp.AssignStream, "S"))), ["stream-added"]);
  const sa = m.stream("A", "S")!;
  assert.equal(sa.group.name, "S-R3F-S");
  assert.deepEqual(sa.group.peers, ["p1", "p2", "p3"]);
  assert.deepEqual(kinds(m.apply(consumer(EntryOp.AssignConsumer, "S", "D"))), [
    "consumer-added",
  ]);
  // A consumer of an unknown stream is ignored, as nats-server does.
  assert.deepEqual(m.apply(consumer(EntryOp.AssignConsumer, "NOPE", "X")), []);
  // An update keeps the consumers.
  const upd = m.apply(stream(EntryOp.UpdateStream, "S", "A", ',"max_msgs":5'));
  assert.deepEqual(kinds(upd), ["stream-updated"]);
  assert.equal(m.stream("A", "S")!.consumers.size, 1);
  // The same stream name in another account is another stream; `svc` wins over `acc`.
  m.apply(stream(EntryOp.AssignStream, "S", "B"));
  assert.deepEqual([...m.streams()].map((s) => `${s.account}/${s.name}`), ["A/S", "B/S"]);
  assert.deepEqual(kinds(m.apply(consumer(EntryOp.RemoveConsumer, "S", "D"))), [
    "consumer-removed",
  ]);
  m.apply(consumer(EntryOp.AssignConsumer, "S", "E"));
  // Removing a stream removes its consumers first.
  assert.deepEqual(kinds(m.apply(stream(EntryOp.RemoveStream, "S"))), [
    "consumer-removed",
    "stream-removed",
  ]);
  assert.deepEqual(m.apply(stream(EntryOp.RemoveStream, "S")), []);
  assert.throws(() => m.apply(new Uint8Array([EntryOp.StreamMsg, 0])), MetaEntryError);
  assert.throws(() => m.apply(new Uint8Array([99])), MetaEntryError);
});

Deno.test("meta state: a snapshot round-trips and applying one reports the difference", () => {
  const m = new MetaState();
  m.apply(stream(EntryOp.AssignStream, "S"));
  m.apply(consumer(EntryOp.AssignConsumer, "S", "D"));
  m.apply(stream(EntryOp.AssignStream, "T"));
  const snap = m.snapshotJson();
  assert.ok(snap.includes('"Consumers":[{'), snap);
  assert.ok(snap.includes('"Consumers":null'), snap);
  const copy = new MetaState();
  assert.deepEqual(kinds(copy.applySnapshotJson(snap)), [
    "stream-added",
    "consumer-added",
    "stream-added",
  ]);
  assert.equal(copy.snapshotJson(), snap);
  // Against a state that has T and U: U goes, S and its consumer come.
  const other = new MetaState();
  other.apply(stream(EntryOp.AssignStream, "T"));
  other.apply(stream(EntryOp.AssignStream, "U"));
  assert.deepEqual(kinds(other.applySnapshotJson(snap)), [
    "stream-removed",
    "stream-added",
    "consumer-added",
  ]);
  assert.equal(other.snapshotJson(), snap);
  assert.equal(new MetaState().snapshotJson(), "");
  assert.deepEqual(other.applySnapshot(new Uint8Array(0)).length, 3);
});

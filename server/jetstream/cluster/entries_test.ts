import assert from "node:assert/strict";
import { parseJson } from "../api/go_json.ts";
import {
  assignmentGroup,
  decodeAcks,
  decodeCompressedConsumerAssignment,
  decodeCompressedStreamMsg,
  decodeDelivered,
  decodeJsonEntry,
  decodeSkip,
  decodeStreamMsg,
  encodeAcks,
  encodeDelivered,
  encodeJsonEntry,
  encodeSkip,
  encodeStreamMsg,
  EntryOp,
  goJsonText,
} from "./entries.ts";

const enc = new TextEncoder();

Deno.test("stream msg entry: Go's layout, field by field", () => {
  const bytes = encodeStreamMsg({
    lastSeq: 0x0102,
    ts: -2n,
    subject: "ab",
    reply: "r",
    header: enc.encode("H"),
    data: enc.encode("xyz"),
  });
  assert.deepEqual([...bytes], [
    4, // streamMsgOp
    0x02,
    0x01,
    0,
    0,
    0,
    0,
    0,
    0, // lseq u64 LE
    0xfe,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff, // ts i64 LE (-2)
    2,
    0,
    97,
    98, // subject
    1,
    0,
    114, // reply
    1,
    0,
    72, // header
    3,
    0,
    0,
    0,
    120,
    121,
    122, // payload u32 LE
  ]);
  const m = decodeStreamMsg(bytes.subarray(1))!;
  assert.equal(m.lastSeq, 0x0102);
  assert.equal(m.ts, -2n);
  assert.equal(m.subject, "ab");
  assert.equal(m.reply, "r");
  assert.deepEqual(m.header, enc.encode("H"));
  // Empty header and payload read back as none (Go: nil).
  const empty = decodeStreamMsg(
    encodeStreamMsg({ lastSeq: 1, ts: 1n, subject: "s", reply: "", header: null, data: null })
      .subarray(1),
  )!;
  assert.equal(empty.header, null);
  assert.equal(empty.data, null);
  // Too short, or a length past the end: errBadStreamMsg.
  assert.equal(decodeStreamMsg(bytes.subarray(1, 20)), null);
  const cut = bytes.slice(1, bytes.length - 1);
  assert.equal(decodeStreamMsg(cut), null);
});

Deno.test("consumer entries: varints as binary.PutUvarint / PutVarint write them", () => {
  const d = encodeDelivered({ dseq: 300, sseq: 1, dc: 2, ts: -1n });
  // 300 = 0xac 0x02; zig-zag(-1) = 1.
  assert.deepEqual([...d], [EntryOp.UpdateDelivered, 0xac, 0x02, 1, 2, 1]);
  assert.deepEqual(decodeDelivered(d.subarray(1)), { dseq: 300, sseq: 1, dc: 2, ts: -1n });
  const big = 1_800_000_000_000_000_000n;
  assert.equal(
    decodeDelivered(encodeDelivered({ dseq: 1, sseq: 2, dc: 1, ts: big }).subarray(1))?.ts,
    big,
  );
  const a = encodeAcks(5, 128);
  assert.deepEqual([...a], [EntryOp.UpdateAcks, 5, 0x80, 0x01]);
  assert.deepEqual(decodeAcks(a.subarray(1)), { dseq: 5, sseq: 128 });
  assert.equal(decodeAcks(new Uint8Array([0x80])), null);
  const s = encodeSkip(9);
  assert.deepEqual([...s], [EntryOp.UpdateSkip, 9, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(decodeSkip(s.subarray(1)), 9);
});

Deno.test("JSON entries: json.Encoder output (HTML escapes, raw numbers, newline)", () => {
  const text =
    '{"client":{"acc":"A<B>"},"created":"2026-12-07T00:00:00Z","stream":{"name":"S","max_msgs":-1,"max_bytes":18446744073709551615},"group":{"name":"S-R3F-abc","peers":["p1","p2"],"store":"file","cluster":"C"},"sync":"$JS.SYNC.x","subject":"","reply":""}';
  const body = parseJson(text);
  const goText = goJsonText(body);
  assert.equal(goText, text.replace("A<B>", "A\\u003cB\\u003e"));
  const entry = encodeJsonEntry({ op: EntryOp.AssignStream, body });
  assert.equal(entry[0], EntryOp.AssignStream);
  assert.equal(new TextDecoder().decode(entry.subarray(1)), `${goText}\n`);
  const back = decodeJsonEntry(entry)!;
  assert.equal(back.op, EntryOp.AssignStream);
  assert.deepEqual(encodeJsonEntry(back), entry);
  assert.deepEqual(assignmentGroup(back.body), {
    name: "S-R3F-abc",
    peers: ["p1", "p2"],
    store: "file",
    cluster: "C",
    preferred: undefined,
  });
  // Not a JSON op, or not JSON.
  assert.equal(decodeJsonEntry(encodeAcks(1, 1)), null);
  assert.equal(decodeJsonEntry(new Uint8Array([EntryOp.AssignStream, 0x7b])), null);
});

/** An S2 (Snappy) block of `bytes` as literals only: a valid block any decoder reads. */
function literalBlock(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let n = bytes.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  for (let i = 0; i < bytes.length; i += 60) {
    const part = bytes.subarray(i, Math.min(i + 60, bytes.length));
    out.push((part.length - 1) << 2, ...part);
  }
  return Uint8Array.from(out);
}

Deno.test("compressed entries: an S2 block of a stream msg or a consumer assignment", () => {
  const msg = encodeStreamMsg({
    lastSeq: 3,
    ts: 5n,
    subject: "orders.new",
    reply: "",
    header: null,
    data: enc.encode("y".repeat(200)),
  });
  const m = decodeCompressedStreamMsg(literalBlock(msg.subarray(1)))!;
  assert.equal(m.lastSeq, 3);
  assert.equal(m.subject, "orders.new");
  assert.equal(m.data?.length, 200);
  const json = '{"name":"D","stream":"S","group":{"name":"C-R3F-x","peers":["a"],"store":"file"}}';
  const ca = decodeCompressedConsumerAssignment(literalBlock(enc.encode(json)))!;
  assert.equal(ca.op, EntryOp.AssignConsumer);
  assert.equal(goJsonText(ca.body), json);
  assert.equal(assignmentGroup(ca.body)?.name, "C-R3F-x");
  assert.equal(decodeCompressedStreamMsg(new Uint8Array([5, 0])), null);
});

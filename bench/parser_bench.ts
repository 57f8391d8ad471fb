/**
 * @module
 * Micro-benchmarks for the protocol hot path: parsing PUBs and encoding MSG headers.
 * Each iteration handles 10,000 messages, so ns/op = reported time / 10,000.
 * Run: `deno bench bench/parser_bench.ts`.
 */

import {
  deliveryHeaderLength,
  encodeDeliveryHeader,
  encodeMsgHeader,
  msgHeaderLength,
  writeBytes,
} from "../server/protocol/encode.ts";
import { Parser } from "../server/protocol/parser.ts";
import type { MsgOp, ProtocolSink } from "../server/protocol/sink.ts";

const OPS = 10_000;
const enc = new TextEncoder();
const one = enc.encode("PUB foo 16\r\n0123456789abcdef\r\n");
const stream = new Uint8Array(one.length * OPS);
for (let i = 0; i < OPS; i++) stream.set(one, i * one.length);

/** A sink that only counts and touches the payload bounds, like a cheap handler would. */
class CountingSink implements ProtocolSink {
  pubs = 0;
  bytes = 0;
  onPub(op: MsgOp): void {
    this.pubs++;
    this.bytes += op.payloadEnd - op.payloadStart;
  }
  onConnect(): void {}
  onSub(): void {}
  onUnsub(): void {}
  onPing(): void {}
  onPong(): void {}
  onInfo(): void {}
  onOk(): void {}
  onErr(): void {}
  onParseError(kind: string, detail: string): void {
    throw new Error(`${kind}: ${detail}`);
  }
}

const sink = new CountingSink();
const parser = new Parser(sink, { maxControlLine: 4096, maxPayload: 1 << 20 });

Deno.bench("parse 10k x 'PUB foo 16' in one buffer", { group: "parse", baseline: true }, () => {
  parser.parse(stream);
});

// The same bytes as 32 KiB socket reads: ops get split at read boundaries.
const reads: Uint8Array[] = [];
for (let at = 0; at < stream.length; at += 32 * 1024) {
  reads.push(stream.subarray(at, Math.min(at + 32 * 1024, stream.length)));
}
Deno.bench("parse 10k x 'PUB foo 16' in 32 KiB reads", { group: "parse" }, () => {
  for (const r of reads) parser.parse(r);
});

const subject = enc.encode("foo");
const sid = enc.encode("1");
const payload = enc.encode("0123456789abcdef\r\n");
const out = new Uint8Array(OPS * (msgHeaderLength(3, 1, 0, 16) + payload.length));

Deno.bench("encode 10k x 'MSG foo 1 16' + payload", { group: "encode", baseline: true }, () => {
  let o = 0;
  for (let i = 0; i < OPS; i++) {
    o = encodeMsgHeader(out, o, subject, 0, 3, sid, subject, 0, 0, 16);
    o = writeBytes(out, o, payload, 0, payload.length);
  }
});

let captured: MsgOp | null = null;
new Parser({ onPub: (op: MsgOp) => (captured = { ...op }) } as unknown as ProtocolSink, {
  maxControlLine: 4096,
  maxPayload: 1 << 20,
}).parse(one);
const op = captured!;
Deno.bench("encode 10k delivery headers from a parsed PUB", { group: "encode" }, () => {
  let o = 0;
  const a = op.argBuf;
  for (let i = 0; i < OPS; i++) {
    if (o + deliveryHeaderLength(op, 3, 1, 0, true) + 18 > out.length) o = 0;
    o = encodeDeliveryHeader(out, o, op, a, op.subjectStart, op.subjectEnd, sid, a, 0, 0, true);
    o = writeBytes(out, o, op.payloadBuf, op.payloadStart, op.payloadEnd + 2);
  }
});

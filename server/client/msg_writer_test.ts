import { strictEqual } from "node:assert";
import { Parser } from "../protocol/parser.ts";
import type { MsgOp, ProtocolSink } from "../protocol/sink.ts";
import { appendMsg, appendNoResponders } from "./msg_writer.ts";
import { Outbound } from "./outbound.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function outbound(): Outbound {
  return new Outbound({ write: (p) => Promise.resolve(p.length) }, () => 0);
}

/** Parses one PUB/HPUB and appends its delivery for `sid`. */
function deliver(wire: string, sid: string, headers: boolean): string {
  const out = outbound();
  const sink: Partial<ProtocolSink> = {
    onPub: (op: MsgOp) => {
      appendMsg(out, op, enc.encode(sid), headers);
    },
  };
  const p = new Parser(sink as ProtocolSink, { maxControlLine: 4096, maxPayload: 1 << 20 });
  p.headers = true;
  p.parse(enc.encode(wire));
  return dec.decode(out.buf.subarray(0, out.len));
}

Deno.test("a PUB is delivered as MSG with and without reply", () => {
  strictEqual(deliver("PUB foo.bar 5\r\nhello\r\n", "1", true), "MSG foo.bar 1 5\r\nhello\r\n");
  strictEqual(deliver("PUB foo _INBOX.x 0\r\n\r\n", "22", true), "MSG foo 22 _INBOX.x 0\r\n\r\n");
});

Deno.test("size digits are echoed as the publisher wrote them", () => {
  strictEqual(deliver("PUB foo 005\r\nhello\r\n", "1", true), "MSG foo 1 005\r\nhello\r\n");
});

Deno.test("an HPUB is delivered as HMSG to header clients and stripped for others", () => {
  const hdr = "NATS/1.0\r\nA: b\r\n\r\n";
  const wire = `HPUB s r ${hdr.length} ${hdr.length + 2}\r\n${hdr}xy\r\n`;
  strictEqual(
    deliver(wire, "9", true),
    `HMSG s 9 r ${hdr.length} ${hdr.length + 2}\r\n${hdr}xy\r\n`,
  );
  strictEqual(deliver(wire, "9", false), "MSG s 9 r 2\r\nxy\r\n");
});

Deno.test("large payloads are copied whole and the buffer grows", () => {
  const body = "x".repeat(100_000);
  strictEqual(
    deliver(`PUB big 100000\r\n${body}\r\n`, "1", true),
    `MSG big 1 100000\r\n${body}\r\n`,
  );
});

Deno.test("the no-responders status is nats-server's 503 HMSG", () => {
  const out = outbound();
  const reply = enc.encode("_INBOX.abc");
  appendNoResponders(out, reply, 0, reply.length, enc.encode("7"));
  strictEqual(
    dec.decode(out.buf.subarray(0, out.len)),
    "HMSG _INBOX.abc 7 16 16\r\nNATS/1.0 503\r\n\r\n\r\n",
  );
});

Deno.test("outbound writes everything queued, across partial writes", async () => {
  const written: number[] = [];
  const out = new Outbound({
    write: (p) => {
      const n = Math.min(3, p.length);
      for (let i = 0; i < n; i++) written.push(p[i]);
      return Promise.resolve(n);
    },
  }, () => 0);
  const drained = new Promise<void>((resolve) => (out.onDrained = resolve));
  out.append(enc.encode("hello "));
  out.flush();
  out.append(enc.encode("world"));
  await drained;
  strictEqual(dec.decode(new Uint8Array(written)), "hello world");
  strictEqual(out.pending, 0);
});

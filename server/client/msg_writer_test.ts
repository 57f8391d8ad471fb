import { strictEqual } from "node:assert";
import { appendMsg, type OutMsg } from "./msg_writer.ts";
import { Outbound } from "./outbound.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function outbound(): Outbound {
  return new Outbound({ write: (p) => Promise.resolve(p.length) }, () => 0);
}

function msg(subject: string, reply: string, headerSize: number, body: string): OutMsg {
  const s = enc.encode(subject);
  const r = enc.encode(reply);
  const b = enc.encode(body);
  return {
    subjectBuf: s,
    subjectStart: 0,
    subjectEnd: s.length,
    replyBuf: r,
    replyStart: 0,
    replyEnd: r.length,
    headerSize,
    payloadBuf: b,
    payloadStart: 0,
    payloadEnd: b.length,
  };
}

Deno.test("appendMsg writes a MSG frame with and without reply", () => {
  const out = outbound();
  appendMsg(out, msg("foo.bar", "", -1, "hello"), enc.encode("1"), true);
  appendMsg(out, msg("foo", "_INBOX.x", -1, ""), enc.encode("22"), true);
  strictEqual(
    dec.decode(out.buf.subarray(0, out.len)),
    "MSG foo.bar 1 5\r\nhello\r\nMSG foo 22 _INBOX.x 0\r\n\r\n",
  );
});

Deno.test("appendMsg writes HMSG for header clients and strips headers for others", () => {
  const hdr = "NATS/1.0\r\nA: b\r\n\r\n";
  const out = outbound();
  appendMsg(out, msg("s", "r", hdr.length, hdr + "xy"), enc.encode("9"), true);
  strictEqual(
    dec.decode(out.buf.subarray(0, out.len)),
    `HMSG s 9 r ${hdr.length} ${hdr.length + 2}\r\n${hdr}xy\r\n`,
  );
  const plain = outbound();
  appendMsg(plain, msg("s", "", hdr.length, hdr + "xy"), enc.encode("9"), false);
  strictEqual(dec.decode(plain.buf.subarray(0, plain.len)), "MSG s 9 2\r\nxy\r\n");
});

Deno.test("appendMsg copies large payloads and grows the buffer", () => {
  const out = outbound();
  const body = "x".repeat(100_000);
  appendMsg(out, msg("big", "", -1, body), enc.encode("1"), true);
  strictEqual(dec.decode(out.buf.subarray(0, out.len)), `MSG big 1 100000\r\n${body}\r\n`);
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
  if (out.len > 0) {
    const again = new Promise<void>((resolve) => (out.onDrained = resolve));
    await again;
  }
  strictEqual(dec.decode(new Uint8Array(written)), "hello world");
  strictEqual(out.pending, 0);
});

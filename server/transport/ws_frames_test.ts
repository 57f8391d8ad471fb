import assert from "node:assert/strict";
import {
  closePayload,
  deflateMessage,
  encodeFrame,
  encodeMessage,
  type Frame,
  FrameDecoder,
  FrameError,
  inflateMessage,
  MessageAssembler,
  Opcode,
  parseClosePayload,
} from "./ws_frames.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

function decodeAll(wire: Uint8Array, requireMask = false): Frame[] {
  const d = new FrameDecoder({ requireMask });
  d.push(wire);
  const frames: Frame[] = [];
  for (let f = d.next(); f !== null; f = d.next()) frames.push(f);
  assert.equal(d.buffered, 0);
  return frames;
}

Deno.test("frames of every length class round-trip, masked and unmasked", () => {
  for (const n of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
    for (const mask of [undefined, KEY]) {
      const payload = bytes(n);
      const wire = encodeFrame(Opcode.Binary, payload, { mask });
      const header = (n <= 125 ? 2 : n < 65536 ? 4 : 10) + (mask ? 4 : 0);
      assert.equal(wire.length, header + n, `length ${n}`);
      const [f] = decodeAll(wire);
      assert.deepEqual([f.fin, f.rsv1, f.opcode, f.masked], [true, false, Opcode.Binary, !!mask]);
      assert.deepEqual(f.payload, payload);
    }
  }
});

Deno.test("the decoder resumes a masked frame split at every byte", () => {
  const payload = enc.encode("PUB foo 5\r\nhello\r\n".repeat(10));
  const wire = encodeFrame(Opcode.Binary, payload, { mask: KEY });
  for (let cut = 0; cut <= wire.length; cut++) {
    const d = new FrameDecoder({ requireMask: true });
    d.push(wire.subarray(0, cut));
    const early = d.next();
    if (cut < wire.length) assert.equal(early, null);
    d.push(wire.subarray(cut));
    const f = early ?? d.next();
    assert.ok(f);
    assert.equal(dec.decode(f.payload), dec.decode(payload));
  }
});

Deno.test("masking changes the wire bytes and unmasking restores them", () => {
  const payload = enc.encode("CONNECT {}\r\n");
  const wire = encodeFrame(Opcode.Binary, payload, { mask: KEY });
  assert.deepEqual([...wire.subarray(2, 6)], [...KEY]);
  assert.notDeepEqual(wire.subarray(6), payload);
  assert.deepEqual(decodeAll(wire, true)[0].payload, payload);
});

Deno.test("an unmasked client frame is refused with nats-server's reason", () => {
  const wire = encodeFrame(Opcode.Binary, enc.encode("PING\r\n"));
  assert.throws(() => decodeAll(wire, true), (e) => {
    assert.ok(e instanceof FrameError);
    assert.deepEqual([e.message, e.status], ["mask bit missing", 1002]);
    return true;
  });
});

Deno.test("a message is fragmented and reassembled, RSV1 only on the first frame", () => {
  const payload = bytes(10);
  const frames = encodeMessage(Opcode.Binary, payload, {
    fragmentSize: 3,
    rsv1: true,
    maskKey: () => KEY,
  });
  assert.equal(frames.length, 4);
  const decoded = frames.flatMap((f) => decodeAll(f, true));
  assert.deepEqual(decoded.map((f) => [f.opcode, f.fin, f.rsv1]), [
    [Opcode.Binary, false, true],
    [Opcode.Continuation, false, false],
    [Opcode.Continuation, false, false],
    [Opcode.Continuation, true, false],
  ]);
  const a = new MessageAssembler();
  const results = decoded.map((f) => a.add(f));
  assert.deepEqual(results.slice(0, 3), [null, null, null]);
  assert.deepEqual(results[3], { opcode: Opcode.Binary, compressed: true, payload });
  assert.equal(encodeMessage(Opcode.Binary, new Uint8Array(0)).length, 1);
});

Deno.test("a ping between fragments is decoded on its own", () => {
  const wire = [
    encodeFrame(Opcode.Text, enc.encode("PI"), { fin: false, mask: KEY }),
    encodeFrame(Opcode.Ping, enc.encode("x"), { mask: KEY }),
    encodeFrame(Opcode.Continuation, enc.encode("NG\r\n"), { mask: KEY }),
  ];
  const all = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
  let off = 0;
  for (const w of wire) {
    all.set(w, off);
    off += w.length;
  }
  const frames = decodeAll(all, true);
  assert.deepEqual(frames.map((f) => f.opcode), [Opcode.Text, Opcode.Ping, Opcode.Continuation]);
  const a = new MessageAssembler();
  assert.equal(a.add(frames[0]), null);
  assert.equal(dec.decode(a.add(frames[2])!.payload), "PING\r\n");
});

Deno.test("fragment order violations are protocol errors", () => {
  const cont = decodeAll(encodeFrame(Opcode.Continuation, enc.encode("x")))[0];
  assert.throws(() => new MessageAssembler().add(cont), /invalid continuation frame/);
  const first = decodeAll(encodeFrame(Opcode.Binary, enc.encode("x"), { fin: false }))[0];
  const a = new MessageAssembler();
  a.add(first);
  assert.throws(
    () => a.add(first),
    /new message started before final frame for previous message was received/,
  );
});

Deno.test("control frames: size and FIN limits, close payloads", () => {
  assert.throws(
    () => decodeAll(encodeFrame(Opcode.Ping, bytes(126))),
    /control frame length bigger than maximum allowed of 125 bytes/,
  );
  assert.throws(
    () => decodeAll(encodeFrame(Opcode.Pong, bytes(1), { fin: false })),
    /control frame does not have final bit set/,
  );
  const wire = new Uint8Array([0x83, 0x00]);
  assert.throws(() => decodeAll(wire), /unknown opcode 3/);
  const close = closePayload(1008, "Authentication Timeout");
  assert.deepEqual(parseClosePayload(close), { status: 1008, reason: "Authentication Timeout" });
  const long = closePayload(1002, "x".repeat(200));
  assert.equal(long.length, 125);
  assert.ok(dec.decode(long.subarray(2)).endsWith("..."));
  assert.deepEqual(parseClosePayload(new Uint8Array(0)), { status: 1005, reason: "" });
  assert.equal(parseClosePayload(new Uint8Array([3, 232, 0xff])).status, 1007);
  const [f] = decodeAll(encodeFrame(Opcode.Close, close, { mask: KEY }), true);
  assert.deepEqual(f.payload, close);
});

Deno.test("deflate round-trips messages without the sync-flush tail", async () => {
  for (const text of ["", "a", "MSG foo 1 5\r\nhello\r\n".repeat(50)]) {
    const packed = await deflateMessage(enc.encode(text));
    const n = packed.length;
    assert.ok(
      n < 4 || packed[n - 4] !== 0 || packed[n - 3] !== 0 || packed[n - 2] !== 0xff ||
        packed[n - 1] !== 0xff,
      "tail stripped",
    );
    assert.equal(dec.decode(await inflateMessage(packed)), text);
  }
  const big = bytes(200_000);
  assert.deepEqual(await inflateMessage(await deflateMessage(big)), big);
});

Deno.test("inflate accepts a message that ends in a final block, refuses garbage", async () => {
  const text = "PUB foo 11\r\nhello world\r\n".repeat(8);
  const stream = new Blob([enc.encode(text)]).stream().pipeThrough(
    new CompressionStream("deflate-raw"),
  );
  const whole = new Uint8Array(await new Response(stream).arrayBuffer());
  assert.equal(dec.decode(await inflateMessage(whole)), text);
  await assert.rejects(() => inflateMessage(new Uint8Array([0xff, 0xff, 0xff])), (e) => {
    assert.ok(e instanceof FrameError);
    assert.equal(e.status, 1007);
    return true;
  });
});

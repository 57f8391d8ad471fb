/**
 * @module
 * Tests of the WebSocket leafnode dial side against a scripted hub on a loopback socket:
 * the permessage-deflate offer, the hub's three possible answers (agreed with no context
 * takeover, not answered, answered without it), compressed frames both ways and the
 * compression threshold. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  COMPRESS_THRESHOLD,
  deflateMessage,
  encodeFrame,
  FrameDecoder,
  inflateMessage,
  Opcode,
} from "../transport/ws_frames.ts";
import { acceptKey, PMC_RESPONSE } from "../transport/ws_raw_listener.ts";
import { upgradeRequest, WsLinkTransport } from "./ws_link_transport.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads from `conn` until `done(bytes)` holds. */
async function readUntil(
  conn: Deno.Conn,
  have: Uint8Array,
  done: (b: Uint8Array) => boolean,
): Promise<Uint8Array> {
  let buf = have;
  const chunk = new Uint8Array(64 * 1024);
  while (!done(buf)) {
    const n = await conn.read(chunk);
    if (n === null) throw new Error("hub: EOF");
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(chunk.subarray(0, n), buf.length);
    buf = next;
  }
  return buf;
}

/** A hub that answers the upgrade with `extensions` (null: no such header). */
async function scriptedHub(extensions: string | null) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const dialed = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const conn = await accepted;
  listener.close();
  const headDone = (b: Uint8Array) => dec.decode(b).includes("\r\n\r\n");
  const handshake = (async () => {
    const raw = dec.decode(await readUntil(conn, new Uint8Array(0), headDone));
    const request = raw.slice(0, raw.indexOf("\r\n\r\n") + 4);
    const key = /Sec-WebSocket-Key: (\S+)/.exec(request)![1];
    await conn.write(enc.encode(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${await acceptKey(key)}\r\n` +
        (extensions === null ? "" : `Sec-WebSocket-Extensions: ${extensions}\r\n`) + "\r\n",
    ));
    return request;
  })();
  return { dialed, conn, handshake };
}

/**
 * The dial side of a link to a {@link scriptedHub} answering with `extensions`, offering
 * compression; `opened()` is what it reported on open. Both ends close on dispose.
 */
async function dialScripted(
  extensions: string | null,
  onError: (text: string) => void = (text) => assert.fail(text),
) {
  const hub = await scriptedHub(extensions);
  let opened: unknown = null;
  const t = new WsLinkTransport(hub.dialed, {
    hostPort: "127.0.0.1:1",
    secure: null,
    noMasking: false,
    compress: true,
    onError,
    onOpen: (n) => void (opened = n),
  });
  return {
    hub,
    t,
    opened: () => opened,
    [Symbol.dispose]() {
      t.close();
      hub.conn.close();
    },
  };
}

/** The next frame the hub reads. */
async function hubFrame(conn: Deno.Conn, decoder: FrameDecoder) {
  for (;;) {
    const f = decoder.next();
    if (f !== null) return f;
    const chunk = new Uint8Array(64 * 1024);
    const n = await conn.read(chunk);
    if (n === null) throw new Error("hub: EOF");
    decoder.push(chunk.subarray(0, n));
  }
}

Deno.test("upgradeRequest: Go's header order, the deflate offer and no-masking", () => {
  assert.equal(
    upgradeRequest("h:1", "K", { noMasking: true, compress: true }),
    "GET /leafnode HTTP/1.1\r\nHost: h:1\r\nUser-Agent: Go-http-client/1.1\r\n" +
      "Connection: Upgrade\r\nNats-No-Masking: true\r\nSec-WebSocket-Key: K\r\n" +
      "Sec-WebSocket-Version: 13\r\nSec-Websocket-Extensions: permessage-deflate; " +
      "server_no_context_takeover; client_no_context_takeover\r\nUpgrade: websocket\r\n\r\n",
  );
  assert.doesNotMatch(
    upgradeRequest("h:1", "K", { noMasking: false, compress: false }),
    /Extensions|No-Masking/,
  );
});

Deno.test("ws link: agreed compression deflates large writes and inflates the hub's", async () => {
  using link = await dialScripted(PMC_RESPONSE);
  const { hub, t } = link;
  const request = await hub.handshake;
  assert.match(request, new RegExp(`Sec-Websocket-Extensions: ${PMC_RESPONSE}\r\n`));
  const big = enc.encode("LMSG foo 100\r\n" + "abcdefgh".repeat(10_000) + "\r\n");
  const small = enc.encode("PING\r\n");
  assert.ok(small.length <= COMPRESS_THRESHOLD);
  await t.write(big);
  await t.write(small);
  assert.deepEqual(link.opened(), { compress: true, masking: true });
  const decoder = new FrameDecoder({ requireMask: true });
  const f1 = await hubFrame(hub.conn, decoder);
  assert.equal(f1.rsv1, true, "large write compressed");
  assert.ok(f1.payload.length < big.length / 10, `${f1.payload.length} bytes on the wire`);
  assert.deepEqual(await inflateMessage(f1.payload), big);
  const f2 = await hubFrame(hub.conn, decoder);
  assert.equal(f2.rsv1, false, "small write plain");
  assert.deepEqual(f2.payload, small);
  // The hub's compressed message, then a plain one: read in order.
  const down = enc.encode("INFO {}\r\n".repeat(500));
  await hub.conn.write(
    encodeFrame(Opcode.Binary, await deflateMessage(down), { fin: true, rsv1: true }),
  );
  await hub.conn.write(encodeFrame(Opcode.Binary, enc.encode("PONG\r\n"), { fin: true }));
  const got: Uint8Array[] = [];
  let total = 0;
  const buf = new Uint8Array(8192);
  while (total < down.length + 6) {
    const n = await t.read(buf);
    assert.notEqual(n, null);
    got.push(buf.slice(0, n!));
    total += n!;
  }
  const all = dec.decode(new Uint8Array(got.flatMap((g) => [...g])));
  assert.equal(all, dec.decode(down) + "PONG\r\n");
});

Deno.test("ws link: a hub that leaves the offer unanswered gets plain frames", async () => {
  using link = await dialScripted(null);
  const { hub, t } = link;
  await hub.handshake;
  const big = enc.encode("x".repeat(1000));
  await t.write(big);
  assert.deepEqual(link.opened(), { compress: false, masking: true });
  const f = await hubFrame(hub.conn, new FrameDecoder({ requireMask: true }));
  assert.equal(f.rsv1, false);
  assert.deepEqual(f.payload, big);
});

Deno.test("ws link: deflate without no-context-takeover is a negotiation error", async () => {
  const errors: string[] = [];
  using link = await dialScripted("permessage-deflate", (text) => void errors.push(text));
  const { hub, t } = link;
  await hub.handshake;
  assert.equal(await t.read(new Uint8Array(16)), null);
  assert.deepEqual(errors, ["compression negotiation error"]);
});

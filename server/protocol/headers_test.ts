import assert from "node:assert/strict";
import { latin1, utf8Bytes } from "./chars.ts";
import {
  buildHeaders,
  EMPTY_HEADER,
  encodeNoResponders,
  getHeader,
  NO_RESPONDERS_HEADER,
  noRespondersLength,
  parseHeaders,
} from "./headers.ts";

Deno.test("the no-responders message is byte-identical to nats-server 2.9.10", () => {
  assert.equal(latin1(NO_RESPONDERS_HEADER), "NATS/1.0 503\r\n\r\n");
  assert.equal(NO_RESPONDERS_HEADER.length, 16);
  assert.equal(latin1(EMPTY_HEADER), "NATS/1.0\r\n\r\n");
  const reply = utf8Bytes("xx_INBOX.x");
  const sid = utf8Bytes("7");
  const out = new Uint8Array(noRespondersLength(8, 1) + 1);
  const end = encodeNoResponders(out, 1, reply, 2, reply.length, sid);
  // Captured from nats-server 2.9.10 (SUB _INBOX.x 7; PUB req _INBOX.x 2).
  assert.equal(latin1(out, 1, end), "HMSG _INBOX.x 7 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
  assert.equal(end, out.length);
});

Deno.test("getHeader finds values like nats-server's getHeader", () => {
  const h = utf8Bytes("NATS/1.0\r\nNats-Msg-Id:  abc\r\nX-Other: 1\r\n\r\n");
  const get = (k: string) => {
    const v = getHeader(k, h, 0, h.length);
    return v === null ? null : latin1(v);
  };
  assert.equal(get("Nats-Msg-Id"), "abc");
  assert.equal(get("X-Other"), "1");
  assert.equal(get("nats-msg-id"), null, "case-sensitive");
  assert.equal(get("Missing"), null);
  assert.equal(get("Other"), null, "must follow CRLF");
  // Only the first occurrence of the key bytes counts, as in Go.
  const tricky = utf8Bytes("NATS/1.0\r\nX-Foo: Foo\r\nFoo: bar\r\n\r\n");
  assert.equal(getHeader("Foo", tricky, 0, tricky.length), null);
});

Deno.test("parseHeaders reads the status line and entries", () => {
  const b = utf8Bytes("NATS/1.0 408 Request Timeout\r\nA: 1\r\nB:2 \r\nbad line\r\n\r\n");
  assert.deepEqual(parseHeaders(b, 0, b.length), {
    status: 408,
    description: "Request Timeout",
    entries: [["A", "1"], ["B", "2"]],
  });
  const plain = utf8Bytes("NATS/1.0\r\n\r\n");
  assert.deepEqual(parseHeaders(plain, 0, plain.length), {
    status: 0,
    description: "",
    entries: [],
  });
  assert.equal(parseHeaders(utf8Bytes("HTTP/1.1 200\r\n\r\n"), 0, 16), null);
});

Deno.test("buildHeaders round-trips through parseHeaders", () => {
  const b = buildHeaders([["Nats-Msg-Id", "x"], ["K", "v w"]], 503, "No Responders");
  assert.equal(latin1(b), "NATS/1.0 503 No Responders\r\nNats-Msg-Id: x\r\nK: v w\r\n\r\n");
  const h = parseHeaders(b, 0, b.length);
  assert.equal(h?.status, 503);
  assert.deepEqual(h?.entries, [["Nats-Msg-Id", "x"], ["K", "v w"]]);
});

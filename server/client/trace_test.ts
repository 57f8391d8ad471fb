/**
 * @module
 * Unit tests for the protocol trace formatting (Go %q, password redaction). No sockets.
 */
import { strictEqual } from "node:assert";
import { goQuote, redactPassword } from "./trace.ts";

const enc = new TextEncoder();

Deno.test("goQuote escapes like Go's %q: controls, quotes, invalid UTF-8; keeps printable runes", () => {
  strictEqual(goQuote(enc.encode("hello")), '"hello"');
  strictEqual(goQuote(enc.encode('a"b\\c')), '"a\\"b\\\\c"');
  strictEqual(
    goQuote(enc.encode("NATS/1.0\r\n\r\n\t\x00\x7f")),
    '"NATS/1.0\\r\\n\\r\\n\\t\\x00\\x7f"',
  );
  strictEqual(goQuote(enc.encode("é€😀")), '"é€😀"');
  strictEqual(goQuote(new Uint8Array([0x61, 0xff, 0xc3])), '"a\\xff\\xc3"');
  strictEqual(goQuote(enc.encode("\u0085\u00ad")), '"\\u0085\\u00ad"');
});

Deno.test("redactPassword hides the first password value of a CONNECT, as nats-server", () => {
  strictEqual(
    redactPassword('{"user":"u","pass":"secret","name":"x"}'),
    '{"user":"u","pass":"[REDACTED]","name":"x"}',
  );
  strictEqual(redactPassword('{"verbose":false}'), '{"verbose":false}');
  strictEqual(redactPassword('{"pass":""}'), '{"pass":"[REDACTED]"}');
});

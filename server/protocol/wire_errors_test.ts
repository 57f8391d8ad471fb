import assert from "node:assert/strict";
import { latin1, utf8Bytes } from "./chars.ts";
import {
  CloseReason,
  clusterNameMismatch,
  encodeErr,
  ERR_INVALID_PUBLISH_SUBJECT,
  ERR_MAXIMUM_CONTROL_LINE_EXCEEDED,
  ERR_MAXIMUM_PAYLOAD_VIOLATION,
  ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED,
  ERR_UNKNOWN_PROTOCOL_OPERATION,
  FIXED_WIRE_ERRORS,
  gatewayAccountAbsent,
  gatewayOnLeafnodePort,
  gatewayOnRoutePort,
  gatewayRejected,
  gatewayWrongDestination,
  gatewayWrongPort,
  goQuote,
  leafnodeLoop,
  leafnodeMinVersion,
  pubPermissionViolation,
  replyPermissionViolation,
  subPermissionViolation,
  subRemovedViolation,
  subTokensViolation,
} from "./wire_errors.ts";

/** Raw bytes from a string of byte values. */
function raw(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

Deno.test("wire errors are framed as -ERR '<text>' CRLF", () => {
  for (const e of FIXED_WIRE_ERRORS) {
    assert.equal(latin1(e.line), latin1(utf8Bytes(`-ERR '${e.text}'\r\n`)));
    assert.equal(e.closes, e.closeReason !== null);
  }
  assert.equal(
    latin1(ERR_UNKNOWN_PROTOCOL_OPERATION.line),
    "-ERR 'Unknown Protocol Operation'\r\n",
  );
});

Deno.test("wire error texts and close behaviour match nats-server 2.9.10", () => {
  assert.equal(ERR_MAXIMUM_CONTROL_LINE_EXCEEDED.text, "maximum control line exceeded");
  assert.equal(ERR_MAXIMUM_CONTROL_LINE_EXCEEDED.closeReason, "Maximum Control Line Exceeded");
  assert.equal(ERR_MAXIMUM_PAYLOAD_VIOLATION.text, "Maximum Payload Violation");
  assert.equal(ERR_MAXIMUM_PAYLOAD_VIOLATION.closeReason, CloseReason.MaxPayloadExceeded);
  assert.equal(ERR_INVALID_PUBLISH_SUBJECT.closes, false);
  assert.equal(ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED.closes, false);
  const texts = new Set(FIXED_WIRE_ERRORS.map((e) => e.text));
  assert.equal(texts.size, FIXED_WIRE_ERRORS.length, "no duplicates");
  assert.ok(!texts.has("Slow Consumer"), "nats-server sends no -ERR for a slow consumer");
});

Deno.test("permission violation texts quote like nats-server", () => {
  assert.equal(pubPermissionViolation("foo.bar"), 'Permissions Violation for Publish to "foo.bar"');
  assert.equal(
    subPermissionViolation(utf8Bytes("x.>"), "q\v"),
    'Permissions Violation for Subscription to "x.>" using queue "q\\v"',
  );
  assert.equal(
    subPermissionViolation("y\f"),
    'Permissions Violation for Subscription to "y\\f"',
  );
  assert.equal(
    replyPermissionViolation("_R_.x"),
    'Permissions Violation for Publish with Reply of "_R_.x"',
  );
  assert.equal(
    subTokensViolation("a.b"),
    'Permissions Violation for Subscription to "a.b", too many tokens',
  );
  assert.equal(
    subRemovedViolation("a", "1"),
    'Permissions Violation for Subscription to "a" (sid "1")',
  );
});

Deno.test("goQuote matches the bytes nats-server 2.9.10 sent for an odd subject", () => {
  // Captured from nats-server 2.9.10: PUB of these bytes to a denied subject.
  const subject = raw(
    'a"b\\c\xff\xc3\xa9\x01\x7f\xe2\x80\xa8\xf0\x9f\x98\x80\xc2\xa0\xed\xa0\x80',
  );
  const wire = raw(
    '-ERR \'Permissions Violation for Publish to "a\\"b\\\\c\\xff\xc3\xa9\\x01\\x7f\\u2028' +
      "\xf0\x9f\x98\x80\\u00a0\\xed\\xa0\\x80\"'\r\n",
  );
  assert.deepEqual(encodeErr(pubPermissionViolation(subject)), wire);
});

Deno.test("goQuote escapes control characters and keeps printable unicode", () => {
  assert.equal(goQuote("\x07\b\f\n\r\t\v"), '"\\a\\b\\f\\n\\r\\t\\v"');
  assert.equal(goQuote("\x00\x1f"), '"\\x00\\x1f"');
  assert.equal(goQuote("héllo 世界"), '"héllo 世界"');
  assert.equal(goQuote("\u{e0001}"), '"\\U000e0001"');
  assert.equal(goQuote(""), '""');
});

Deno.test("link error texts follow the nats-server format strings", () => {
  assert.equal(
    gatewayOnRoutePort("B"),
    'Rejecting connection from gateway "B" on the Route port',
  );
  assert.equal(
    clusterNameMismatch("x", "y"),
    'Rejecting connection, cluster name "x" does not match "y"',
  );
  assert.equal(
    gatewayOnLeafnodePort("B"),
    'Rejecting connection from gateway "B" on the leafnode port',
  );
  assert.equal(
    leafnodeMinVersion("2.8.0"),
    'connection rejected since minimum version required is "2.8.0"',
  );
  assert.equal(
    leafnodeLoop("$G", "30s"),
    'Loop detected for leafnode account="$G". Delaying attempt to reconnect for 30s',
  );
  assert.equal(gatewayRejected("A"), 'Connection to gateway "A" rejected');
  assert.equal(gatewayWrongPort("A"), 'Attempt to connect to gateway "A" using wrong port');
  assert.equal(
    gatewayWrongDestination("A", "B", "C"),
    'Connection from "A" rejected, wanted to connect to "B", this is "C"',
  );
  assert.equal(
    gatewayAccountAbsent("start"),
    "Account absent from receive-all-subscriptions-start command",
  );
});

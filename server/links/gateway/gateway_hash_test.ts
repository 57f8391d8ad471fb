/**
 * @module
 * Gateway reply hashes and routed-reply detection.
 */
import assert from "node:assert/strict";
import {
  gatewayHash,
  gatewayReplyPrefix,
  oldGatewayHash,
  RoutedReply,
  routedReplyKindOf,
} from "./gateway_hash.ts";

Deno.test("gateway hashes match nats-server's getHashSize and getOldHash", () => {
  // Seen on the wire from nats-server 2.9.10 (gateway "B", server NA3BVKIV...): a request
  // from its client crossed to denats with the reply `_GR_.b2oh2L.92oepg._INBOX...`.
  assert.equal(gatewayHash("B"), "b2oh2L");
  assert.equal(gatewayHash("NA3BVKIVLHZBOL56PORVCFNXPX24PWH2NCUP7NJISV4FY3ORZ6F3LQB5"), "92oepg");
  assert.equal(gatewayHash("A").length, 6);
  assert.equal(/^[0-9A-Za-z]{6}$/.test(gatewayHash("cluster-b")), true);
  assert.equal(oldGatewayHash("A").length, 4);
  assert.equal(gatewayReplyPrefix("A", "S1"), `_GR_.${gatewayHash("A")}.${gatewayHash("S1")}.`);
});

Deno.test("routed reply subjects are told apart from short or plain ones", () => {
  assert.equal(routedReplyKindOf("_GR_.abcdef.ghijkl.foo"), RoutedReply.New);
  assert.equal(routedReplyKindOf("_GR_.abcdef.ghijkl."), RoutedReply.None);
  assert.equal(routedReplyKindOf("$GR.abcd.foo"), RoutedReply.Old);
  assert.equal(routedReplyKindOf("foo.bar"), RoutedReply.None);
});

/**
 * @module
 * Tests of `leaf_gw_replies.ts`: a leaf without gateways hides the `_GR_.` prefix of a routed
 * reply from its client and sends the response to its hubs on the routed subject.
 */
import assert from "node:assert/strict";
import { Account } from "../../accounts/account.ts";
import { OpFields } from "../../protocol/sink.ts";
import type { MsgOp } from "../../protocol/sink.ts";
import { Kind } from "../../routing/receiver.ts";
import { gatewayReplyPrefix } from "../gateway/gateway_hash.ts";
import { LeafGatewayReplies } from "./leaf_gw_replies.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function op(subject: string): MsgOp {
  const o = new OpFields();
  o.argBuf = enc.encode(`${subject} 0`);
  o.subjectEnd = subject.length;
  o.replyStart = o.replyEnd = subject.length;
  o.sizeStart = o.argBuf.length - 1;
  o.sizeEnd = o.argBuf.length;
  o.payloadBuf = new Uint8Array(0);
  return o;
}

Deno.test("leaf gateway replies: prefix hidden, the response goes to the hubs routed", () => {
  const account = new Account("$G");
  const toHubs: string[] = [];
  let now = 0;
  const r = new LeafGatewayReplies(() => now, (_a, m) => {
    toHubs.push(dec.decode(m.argBuf.subarray(m.subjectStart, m.subjectEnd)));
    return true;
  });
  const routed = gatewayReplyPrefix("A", "SERVERA") + "_INBOX.abc";
  const buf = enc.encode(routed);
  const offset = r.replyOffset(buf, 0, buf.length);
  assert.equal(dec.decode(buf.subarray(offset)), "_INBOX.abc");
  assert.equal(r.replyOffset(enc.encode("_INBOX.x"), 0, 8), 0);
  assert.equal(r.publishReply(account, op("_INBOX.abc")), false, "nothing tracked yet");
  r.trackReply(account, buf, 0, buf.length, offset);
  assert.equal(r.publishReply(account, op("_INBOX.other")), false);
  assert.equal(r.publishReply(account, op("_INBOX.abc")), true);
  assert.deepEqual(toHubs, [routed]);
  now = 10_000; // expired
  assert.equal(r.publishReply(account, op("_INBOX.abc")), false);
  // No gateways here: nothing is sent to one, no routed reply is handled.
  assert.equal(r.send(account, op("x"), []), false);
  assert.equal(r.routedReply(Kind.Route, op(routed) as never), false);
  assert.equal(r.interested(account, "x"), false);
});

Deno.test("leaf gateway replies in a link worker: a shard's routed response goes to the hubs", () => {
  const account = new Account("$G");
  const toHubs: string[] = [];
  let fromShard = true;
  const r = new LeafGatewayReplies(() => 0, (_a, m) => {
    toHubs.push(dec.decode(m.argBuf.subarray(m.subjectStart, m.subjectEnd)));
    return true;
  }, () => fromShard);
  const routed = gatewayReplyPrefix("A", "SERVERA") + "_INBOX.abc";
  assert.equal(r.send(account, op("_INBOX.abc"), []), false, "not a routed subject");
  assert.equal(r.send(account, op(routed), []), true);
  fromShard = false; // from a leaf or a route: not sent back to the hubs from here
  assert.equal(r.send(account, op(routed), []), false);
  assert.deepEqual(toHubs, [routed]);
});

import assert from "node:assert/strict";
import { Account } from "../../accounts/account.ts";
import { FanOut } from "../../routing/fan_out.ts";
import { Kind, type Receiver, type SublistEntry } from "../../routing/receiver.ts";
import { OpFields } from "../../protocol/sink.ts";
import type { MsgOp } from "../../protocol/sink.ts";
import { gatewayReplyPrefix } from "./gateway_hash.ts";
import { ShardGatewayReplies } from "./shard_replies.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function op(subject: string, reply = ""): MsgOp {
  const o = new OpFields();
  o.argBuf = enc.encode(`${subject} ${reply} 0`.replace("  ", " "));
  o.subjectEnd = subject.length;
  o.replyStart = reply ? subject.length + 1 : subject.length;
  o.replyEnd = reply ? o.replyStart + reply.length : o.replyStart;
  o.sizeStart = o.argBuf.length - 1;
  o.sizeEnd = o.argBuf.length;
  o.payloadBuf = new Uint8Array(0);
  return o;
}

Deno.test("shard gateway replies: the routed prefix is hidden and a response goes out on it", () => {
  const fanOut = new FanOut();
  const account = new Account("$G");
  const got: string[] = [];
  const linkWorker: Receiver = {
    cid: -1,
    closed: false,
    kind: Kind.Peer,
    receive: (_e: SublistEntry, m: MsgOp) => {
      got.push(dec.decode(m.argBuf.subarray(m.subjectStart, m.subjectEnd)));
      return true;
    },
  };
  account.sublist.insert({ subject: "_GR_.>", queue: null, owner: linkWorker, weight: 1 });
  let now = 0;
  const r = new ShardGatewayReplies(fanOut, () => now);
  const routed = gatewayReplyPrefix("B", "SERVERB") + "_INBOX.abc";
  const buf = enc.encode(routed);
  const offset = r.replyOffset(buf, 0, buf.length);
  assert.equal(dec.decode(buf.subarray(offset)), "_INBOX.abc");
  assert.equal(r.replyOffset(enc.encode("_INBOX.x"), 0, 8), 0);
  r.trackReply(account, buf, 0, buf.length, offset);
  assert.equal(r.publishReply(account, op("_INBOX.other")), false);
  assert.equal(r.publishReply(account, op("_INBOX.abc")), true);
  assert.deepEqual(got, [routed]);
  now = 10_000; // expired
  assert.equal(r.publishReply(account, op("_INBOX.abc")), false);
  assert.equal(r.send(account, op("x"), []), false);
});

/**
 * @module
 * The publish hot path: match a PUB against the account's sublist and append a MSG/HMSG to each
 * receiving connection (nats-server client.go processInboundClientMsg / processMsgResults /
 * deliverMsg). One queue member per group, chosen at random; echo suppression; auto-unsubscribe;
 * no-responders status for requests nobody answers.
 */
import type { MsgOp } from "../protocol/sink.ts";
import type { ClientConnection } from "./client.ts";
import { appendMsg, appendNoResponders } from "./msg_writer.ts";
import type { Subscription } from "./subscription.ts";

const dec = new TextDecoder();

function deliver(pub: ClientConnection, sub: Subscription, op: MsgOp): boolean {
  const c = sub.owner;
  if (c === pub && !pub.opts.echo) return false;
  if (c.closed || sub.closed) return false;
  if (sub.max > 0 && sub.delivered >= sub.max) return false;
  if (c.perms?.filtersDelivery && !c.perms.mayReceive(op.argBuf, op.subjectStart, op.subjectEnd)) {
    return false;
  }
  sub.delivered++;
  appendMsg(c.out, op, sub.sid, c.opts.headers);
  c.outMsgs++;
  c.outBytes += op.size;
  const stats = c.ctx.stats;
  stats.outMsgs++;
  stats.outBytes += op.size;
  if (c.perms?.response && op.replyEnd > op.replyStart) {
    c.perms.noteReply(dec.decode(op.argBuf.subarray(op.replyStart, op.replyEnd)), c.ctx.now());
  }
  if (sub.max > 0 && sub.delivered >= sub.max) c.removeSub(sub);
  c.noteOutput();
  return true;
}

/** Routes one published message from `pub`. */
export function routeMessage(pub: ClientConnection, op: MsgOp): void {
  const r = pub.account.sublist.match(op.argBuf, op.subjectStart, op.subjectEnd);
  const psubs = r.psubs;
  const qsubs = r.qsubs;
  let delivered = false;
  for (let i = 0; i < psubs.length; i++) {
    if (deliver(pub, psubs[i], op)) delivered = true;
  }
  for (let g = 0; g < qsubs.length; g++) {
    const group = qsubs[g];
    const n = group.length;
    const start = (Math.random() * n) | 0;
    for (let k = 0; k < n; k++) {
      if (deliver(pub, group[(start + k) % n], op)) {
        delivered = true;
        break;
      }
    }
  }
  if (!delivered && op.replyEnd > op.replyStart && pub.opts.noResponders) noResponders(pub, op);
}

/** Sends the 503 status to the requester's own subscription on the reply subject. */
function noResponders(pub: ClientConnection, op: MsgOp): void {
  const r = pub.account.sublist.match(op.argBuf, op.replyStart, op.replyEnd);
  for (const sub of r.psubs) {
    if (sub.owner !== pub || sub.closed) continue;
    const n = appendNoResponders(pub.out, op.argBuf, op.replyStart, op.replyEnd, sub.sid);
    pub.outMsgs++;
    pub.outBytes += n;
    pub.noteOutput();
    return;
  }
}

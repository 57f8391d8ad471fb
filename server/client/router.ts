/**
 * @module
 * The publish hot path: match a PUB against the account's sublist and append a MSG/HMSG to each
 * receiving connection (nats-server client.go processInboundClientMsg / processMsgResults /
 * deliverMsg). One queue member per group, chosen at random; echo suppression; auto-unsubscribe;
 * no-responders status for requests nobody answers.
 */
import type { MsgOp } from "../protocol/sink.ts";
import { NO_RESPONDERS_HEADER } from "../protocol/headers.ts";
import type { ClientConnection } from "./client.ts";
import { appendMsg, type OutMsg } from "./msg_writer.ts";
import type { Subscription } from "./subscription.ts";

const dec = new TextDecoder();

/** Reused frame description; valid during one routeMessage call. */
const msg: OutMsg = {
  subjectBuf: new Uint8Array(0),
  subjectStart: 0,
  subjectEnd: 0,
  replyBuf: new Uint8Array(0),
  replyStart: 0,
  replyEnd: 0,
  headerSize: -1,
  payloadBuf: new Uint8Array(0),
  payloadStart: 0,
  payloadEnd: 0,
};

function deliver(pub: ClientConnection, sub: Subscription, m: OutMsg): boolean {
  if (sub.owner === pub && !pub.opts.echo) return false;
  return deliverTo(sub, m);
}

function deliverTo(sub: Subscription, m: OutMsg): boolean {
  const c = sub.owner;
  if (c.closed || sub.closed) return false;
  if (sub.max > 0 && sub.delivered >= sub.max) return false;
  sub.delivered++;
  const n = appendMsg(c.out, m, sub.sid, c.opts.headers);
  c.outMsgs++;
  c.outBytes += n;
  const stats = c.ctx.stats;
  stats.outMsgs++;
  stats.outBytes += n;
  if (c.perms?.response && m.replyEnd > m.replyStart) {
    c.perms.noteReply(dec.decode(m.replyBuf.subarray(m.replyStart, m.replyEnd)), c.ctx.now());
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
  if (psubs.length === 0 && qsubs.length === 0) {
    if (op.replyEnd > op.replyStart && pub.opts.noResponders) noResponders(pub, op);
    return;
  }
  msg.subjectBuf = op.argBuf;
  msg.subjectStart = op.subjectStart;
  msg.subjectEnd = op.subjectEnd;
  msg.replyBuf = op.argBuf;
  msg.replyStart = op.replyStart;
  msg.replyEnd = op.replyEnd;
  msg.headerSize = op.headerSize;
  msg.payloadBuf = op.payloadBuf;
  msg.payloadStart = op.payloadStart;
  msg.payloadEnd = op.payloadEnd;
  for (let i = 0; i < psubs.length; i++) deliver(pub, psubs[i], msg);
  for (let g = 0; g < qsubs.length; g++) {
    const group = qsubs[g];
    const n = group.length;
    const start = (Math.random() * n) | 0;
    for (let k = 0; k < n; k++) {
      if (deliver(pub, group[(start + k) % n], msg)) break;
    }
  }
}

/** Sends the 503 status to the requester's own subscription on the reply subject. */
function noResponders(pub: ClientConnection, op: MsgOp): void {
  const r = pub.account.sublist.match(op.argBuf, op.replyStart, op.replyEnd);
  let sub: Subscription | undefined;
  for (const s of r.psubs) {
    if (s.owner === pub) {
      sub = s;
      break;
    }
  }
  if (!sub) return;
  const hdr = NO_RESPONDERS_HEADER;
  const m: OutMsg = {
    subjectBuf: op.argBuf,
    subjectStart: op.replyStart,
    subjectEnd: op.replyEnd,
    replyBuf: op.argBuf,
    replyStart: 0,
    replyEnd: 0,
    headerSize: hdr.length,
    payloadBuf: hdr,
    payloadStart: 0,
    payloadEnd: hdr.length,
  };
  deliverTo(sub, m);
}

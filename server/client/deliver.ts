/**
 * @module
 * Delivery to a local client connection: append the MSG/HMSG, count it, honour auto-unsubscribe,
 * the subscribe-deny delivery filter and allow_responses, and cut a slow consumer
 * (nats-server client.go deliverMsg). Also the no-responders status for its own requests.
 */
import type { MsgOp } from "../protocol/sink.ts";
import type { ClientConnection } from "./client.ts";
import { appendMsg, appendNoResponders } from "./msg_writer.ts";
import { Subscription } from "./subscription.ts";
import { traceDelivery } from "./trace.ts";

const dec = new TextDecoder();

/** Delivers `op` to the client's subscription `sub`. */
export function deliverToClient(c: ClientConnection, sub: Subscription, op: MsgOp): boolean {
  if (c.closed || sub.closed) return false;
  if (sub.max > 0 && sub.delivered >= sub.max) return false;
  const perms = c.perms;
  if (perms !== null) {
    if (perms.filtersDelivery && !perms.mayReceive(op.argBuf, op.subjectStart, op.subjectEnd)) {
      return false;
    }
    if (perms.response && op.replyEnd > op.replyStart) {
      perms.noteReply(dec.decode(op.argBuf.subarray(op.replyStart, op.replyEnd)), c.ctx.now());
    }
  }
  sub.delivered++;
  // A reply routed across gateways reaches the client without its `_GR_.` prefix (client.go
  // processMsgResults creply); the response is mapped back (trackGWReply).
  const gateways = c.ctx.fanOut.gateways;
  const replyStart = op.replyStart;
  const hidden = gateways === null || op.replyEnd - replyStart < 10
    ? 0
    : gateways.replyOffset(op.argBuf, replyStart, op.replyEnd);
  if (hidden > 0) {
    gateways!.trackReply(c.account, op.argBuf, replyStart, op.replyEnd, hidden);
    op.replyStart = replyStart + hidden;
  }
  appendMsg(c.out, op, sub.sid, c.opts.headers);
  if (c.ctx.logger.traceEnabled) traceDelivery(c, op, sub.sid, c.opts.headers);
  op.replyStart = replyStart;
  if (sub.max > 0 && sub.delivered >= sub.max) c.removeSub(sub);
  c.noteDelivery(op.size);
  return true;
}

/**
 * Sends the 503 status to the requester's first own plain subscription matching the reply
 * (nats-server processInboundClientMsg), when it asked for no_responders.
 */
export function sendNoResponders(c: ClientConnection, op: MsgOp): void {
  if (!c.opts.noResponders || c.closed) return;
  const r = c.account.sublist.match(op.argBuf, op.replyStart, op.replyEnd);
  for (const e of r.psubs) {
    if (e.owner !== c || !(e instanceof Subscription) || e.closed) continue;
    const n = appendNoResponders(c.out, op.argBuf, op.replyStart, op.replyEnd, e.sid);
    c.outMsgs++;
    c.outBytes += n;
    c.noteOutput();
    return;
  }
}

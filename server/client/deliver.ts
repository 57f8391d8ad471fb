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

/**
 * A receiver with more than this many bytes waiting makes the publisher pause reading until it
 * is below half of it (nats-server stalls fast producers the same way, at max_pending/2; a lower
 * level keeps memory bounded without costing throughput).
 */
export const STALL_BYTES = 1024 * 1024;

/** A receiver with an outbound queue a publisher may wait on (client or route). */
export interface StallTarget {
  readonly out: { readonly pending: number; waitBelow(bytes: number): Promise<void> };
}

const stalled: StallTarget[] = [];

/** Records a receiver over {@link STALL_BYTES} (routes call this after queueing an RMSG). */
export function noteStalled(r: StallTarget): void {
  if (!stalled.includes(r)) stalled.push(r);
}

/**
 * Receivers that passed {@link STALL_BYTES} since the last call, emptied. The read loop of the
 * publisher (or a mesh pump) waits for them before reading more.
 */
export function takeStalled(): StallTarget[] {
  return stalled.length === 0 ? [] : stalled.splice(0);
}

/** Resolves when every stalled receiver is below half the stall level, or after `maxMs`. */
export async function waitForStalled(list: StallTarget[], maxMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(list.map((c) => c.out.waitBelow(STALL_BYTES / 2))),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs))),
  ]);
  clearTimeout(timer);
}

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
  appendMsg(c.out, op, sub.sid, c.opts.headers);
  if (c.ctx.logger.traceEnabled) traceDelivery(c, op, sub.sid, c.opts.headers);
  c.outMsgs++;
  c.outBytes += op.size;
  const stats = c.ctx.stats;
  stats.outMsgs++;
  stats.outBytes += op.size;
  if (sub.max > 0 && sub.delivered >= sub.max) c.removeSub(sub);
  c.noteOutput();
  if (c.out.pending > STALL_BYTES && !stalled.includes(c)) stalled.push(c);
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

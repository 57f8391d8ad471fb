/**
 * @module
 * The publish hot path: match a PUB against the account's sublist and hand it to each receiver
 * (nats-server client.go processInboundClientMsg / processMsgResults): every plain
 * subscription, and one member per queue group chosen at random (weighted by the members a
 * remote entry stands for); echo suppression; no-responders status for requests nobody got.
 * Peers (other shards) that take the message are collected and sent one copy each at the end.
 */
import type { MsgOp } from "../protocol/sink.ts";
import type { Account } from "../accounts/account.ts";
import type { Receiver, SublistEntry } from "./subscription.ts";

/** The publishing side, as the router sees it. */
export interface Publisher {
  readonly account: Account;
  /** Entries owned by this receiver are skipped: the publisher itself with echo off. */
  readonly echoSkip: Receiver | null;
  /** Called when nothing received a request (no_responders); may do nothing. */
  noResponders(op: MsgOp): void;
}

/** Receivers that forward (mesh peers) and need a flush once the fan-out is done. */
export interface ForwardingReceiver extends Receiver {
  /** Sends the collected copy (with the queue groups it must serve); resets its state. */
  forward(account: Account, op: MsgOp): void;
}

/** Forwarding receivers pending for the message being routed: `forwarders[0..forwarderCount)`. */
const forwarders: ForwardingReceiver[] = [];
let forwarderCount = 0;

/** Work that routes the message again in another account (imports), after the fan-out. */
export interface DeferredRoute {
  run(op: MsgOp): void;
}

const deferred: DeferredRoute[] = [];

/**
 * Queues `d` to run once the current fan-out is done (forwarded copies flushed), so routing the
 * message again, into an importing account, never interleaves with the first fan-out.
 */
export function deferRoute(d: DeferredRoute): void {
  deferred.push(d);
}

/** Runs the routes deferred since `mark` (in order; they may defer more, which run too). */
export function runDeferred(mark: number, op: MsgOp): void {
  for (let i = mark; i < deferred.length; i++) deferred[i].run(op);
  deferred.length = mark;
}

/** A forwarding receiver registers itself (once per message) while receiving. */
export function pendForward(r: ForwardingReceiver): void {
  forwarders[forwarderCount++] = r;
}

/** Sends the pending forwarded copies (a counter, not `length = 0`: no re-growing per message). */
function sendForwards(account: Account, op: MsgOp): void {
  const n = forwarderCount;
  forwarderCount = 0;
  for (let i = 0; i < n; i++) forwarders[i].forward(account, op);
}

/**
 * Sends the copies collected by forwarding receivers during a delivery that did not go through
 * {@link routeMessage} (a link worker relaying mesh or route traffic). No-op when none pended.
 */
export function flushForwards(account: Account, op: MsgOp): void {
  if (forwarderCount > 0) sendForwards(account, op);
}

function pickQueueMember(
  skip: Receiver | null,
  group: readonly SublistEntry[],
  op: MsgOp,
): boolean {
  const n = group.length;
  if (n === 1) {
    const e = group[0];
    return e.owner !== skip && e.owner.receive(e, op);
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += group[i].weight;
  let r = Math.random() * total;
  let start = 0;
  for (; start < n - 1; start++) {
    r -= group[start].weight;
    if (r < 0) break;
  }
  for (let k = 0; k < n; k++) {
    const e = group[(start + k) % n];
    if (e.owner === skip) continue;
    if (e.owner.receive(e, op)) return true;
  }
  return false;
}

/** Routes one published message. Returns true when anything received it. */
export function routeMessage(pub: Publisher, op: MsgOp): boolean {
  const mark = deferred.length;
  const r = pub.account.sublist.match(op.argBuf, op.subjectStart, op.subjectEnd);
  const psubs = r.psubs;
  const qsubs = r.qsubs;
  const skip = pub.echoSkip;
  let delivered = false;
  for (let i = 0; i < psubs.length; i++) {
    const e = psubs[i];
    if (e.owner === skip) continue;
    if (e.owner.receive(e, op)) delivered = true;
  }
  for (let g = 0; g < qsubs.length; g++) {
    if (pickQueueMember(skip, qsubs[g], op)) delivered = true;
  }
  if (forwarderCount > 0) sendForwards(pub.account, op);
  if (deferred.length > mark) runDeferred(mark, op);
  if (!delivered && op.replyEnd > op.replyStart) pub.noResponders(op);
  return delivered;
}

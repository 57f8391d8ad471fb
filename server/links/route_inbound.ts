/**
 * @module
 * Delivery of a message that arrived from a route (nats-server client.go processMsgResults
 * with a ROUTER source): plain subscriptions of this server, and for each queue group the route
 * named in the RMSG, one local member chosen at random (local members are preferred, as there;
 * a message from a route is never sent to a route again, so no loops). Groups the route did not
 * name are skipped: another server serves them.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate that owns the local receivers.
 */
import type { Account } from "../accounts/account.ts";
import type { Receiver, SublistEntry } from "../client/subscription.ts";
import type { RoutedMsgOp } from "../protocol/sink.ts";

const dec = new TextDecoder();
const names: string[] = [];

/** Splits the RMSG queue list into `names`; returns the count. */
function queueNames(op: RoutedMsgOp): number {
  let n = 0;
  const buf = op.argBuf;
  let s = -1;
  for (let i = op.queuesStart; i <= op.queuesEnd; i++) {
    const b = i < op.queuesEnd ? buf[i] : 0x20;
    if (b === 0x20 || b === 0x09) {
      if (s >= 0) names[n++] = dec.decode(buf.subarray(s, i));
      s = -1;
    } else if (s < 0) s = i;
  }
  return n;
}

/**
 * Which receivers a routed message must not reach: by default every remote one (routes, and
 * mesh peers). The route worker of the sharded runtime passes one that lets shard peers in.
 */
export type SkipReceiver = (owner: Receiver) => boolean;

const skipRemote: SkipReceiver = (owner) => owner.remote;

/** Tries the members of `group` from a random start; true when one took the message. */
function pickLocal(
  group: readonly SublistEntry[],
  op: RoutedMsgOp,
  random: () => number,
  skip: SkipReceiver,
): boolean {
  const n = group.length;
  const start = n > 1 ? Math.floor(random() * n) : 0;
  for (let k = 0; k < n; k++) {
    const e = group[(start + k) % n];
    if (skip(e.owner)) continue;
    if (e.owner.receive(e, op)) return true;
  }
  return false;
}

/**
 * Delivers a routed message to the local receivers of `account`. Returns true when any took it.
 *
 * @example
 * ```ts
 * import { deliverRouted } from "./route_inbound.ts";
 * import { Account } from "../accounts/account.ts";
 * import type { RoutedMsgOp } from "../protocol/sink.ts";
 * const account = new Account("$G");
 * const seen: string[] = [];
 * const owner = { cid: 1, closed: false, remote: false, receive: () => seen.push("x") > 0 };
 * account.sublist.insert({ subject: "foo", queue: null, owner, weight: 1 });
 * const arg = new TextEncoder().encode("$G foo 0");
 * const op = { argBuf: arg, subjectStart: 3, subjectEnd: 6, queuesStart: 6, queuesEnd: 6 };
 * deliverRouted(account, op as RoutedMsgOp, Math.random);
 * if (seen.length !== 1) throw new Error();
 * ```
 */
export function deliverRouted(
  account: Account,
  op: RoutedMsgOp,
  random: () => number,
  skip: SkipReceiver = skipRemote,
): boolean {
  const r = account.sublist.match(op.argBuf, op.subjectStart, op.subjectEnd);
  let delivered = false;
  const psubs = r.psubs;
  for (let i = 0; i < psubs.length; i++) {
    const e = psubs[i];
    if (skip(e.owner)) continue;
    if (e.owner.receive(e, op)) delivered = true;
  }
  const qsubs = r.qsubs;
  if (qsubs.length === 0 || op.queuesEnd === op.queuesStart) return delivered;
  const count = queueNames(op);
  for (let g = 0; g < qsubs.length; g++) {
    const group = qsubs[g];
    const name = group[0].queue;
    let named = false;
    for (let k = 0; k < count; k++) {
      if (names[k] === name) {
        named = true;
        break;
      }
    }
    if (named && pickLocal(group, op, random, skip)) delivered = true;
  }
  return delivered;
}

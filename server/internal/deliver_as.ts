/**
 * @module
 * Delivery to one subject of a message that shows another (nats-server's `pa.deliver`, used by
 * JetStream consumers: a message stored on `orders.new` is routed to the consumer's deliver
 * subject or a pull request's inbox, and the subscriber sees `orders.new`). Local receivers
 * (clients and internal connections) get the message as is; when a route, gateway, leaf or
 * another worker holds interest, the caller falls back to an ordinary publish to the delivery
 * subject (those links would otherwise forward it under the shown subject). Runs in the isolate
 * that owns the connections.
 */
import type { Account } from "../accounts/account.ts";
import type { MsgOp } from "../protocol/sink.ts";
import type { MatchResult } from "../sublist/match_result.ts";
import { Kind, type Receiver, type SublistEntry } from "../routing/receiver.ts";
import { importTarget, MAX_IMPORT_DEPTH } from "../accounts/import_routing.ts";

/** A sublist match of the delivery subject. */
type Matched = MatchResult<SublistEntry>;

function local(e: SublistEntry): boolean {
  const k = e.owner.kind;
  return k === Kind.Client || k === Kind.Internal;
}

/**
 * Whether every receiver in `r` (the match of `deliver`) is local, following stream imports into
 * importing accounts (nats-server's shadow subscriptions are the importer's own subscriptions)
 * and service responses back to the requester (nats-server processServiceImport keeps
 * `pa.deliver`).
 */
function allLocal(r: Matched, deliver: string, depth: number): boolean {
  for (const e of r.psubs) {
    const to = importTarget(e, deliver, false);
    if (to === undefined) {
      if (!local(e)) return false;
    } else if (to !== null) {
      if (depth >= MAX_IMPORT_DEPTH) return false;
      if (!allLocal(to.account.sublist.matchString(to.subject), to.subject, depth + 1)) {
        return false;
      }
    }
  }
  for (const g of r.qsubs) for (const e of g) if (!local(e)) return false;
  return true;
}

/**
 * Delivers `op` (showing its own subject) to the subscribers of `deliver` in `account`: every
 * plain subscription but `skip`'s and one member of each queue group. Returns whether anything
 * received it, or null when a non-local receiver has interest or nothing here does (the caller
 * publishes instead).
 */
export function deliverAs(
  account: Account,
  deliver: string,
  op: MsgOp,
  skip: Receiver | null,
  random: () => number = Math.random,
): boolean | null {
  const r = account.sublist.matchString(deliver);
  // Nothing subscribed here: a gateway may still carry it (a `_GR_.` reply, or another
  // cluster's interest), so the ordinary publish decides.
  if (r.psubs.length === 0 && r.qsubs.length === 0) return null;
  if (!allLocal(r, deliver, 0)) return null;
  return deliverLocal(r, deliver, op, skip, random, 0) > 0;
}

function deliverLocal(
  r: Matched,
  deliver: string,
  op: MsgOp,
  skip: Receiver | null,
  random: () => number,
  depth: number,
): number {
  let count = 0;
  for (const e of r.psubs) {
    const to = importTarget(e, deliver, true);
    if (to === undefined) {
      if (e.owner !== skip && e.owner.receive(e, op)) count++;
    } else if (to !== null && depth < MAX_IMPORT_DEPTH) {
      // An import: the other account's subscribers of the mapped subject see the message as is.
      const there = to.account.sublist.matchString(to.subject);
      count += deliverLocal(there, to.subject, op, skip, random, depth + 1);
    }
  }
  for (const group of r.qsubs) {
    const n = group.length;
    const start = Math.floor(random() * n);
    for (let k = 0; k < n; k++) {
      const e = group[(start + k) % n];
      if (e.owner !== skip && e.owner.receive(e, op)) {
        count++;
        break;
      }
    }
  }
  return count;
}

/**
 * @module
 * Delivery to one subject of a message that shows another (nats-server's `pa.deliver`, used by
 * JetStream consumers: a message stored on `orders.new` is routed to the consumer's deliver
 * subject or a pull request's inbox, and the subscriber sees `orders.new`). Local receivers
 * (clients and internal connections) get the message as is, stream imports pass it on to the
 * importing account's subscribers of the mapped deliver subject; when a route, gateway, leaf or
 * another worker holds interest, the caller falls back to an ordinary publish to the delivery
 * subject (those links would otherwise forward it under the shown subject). Runs in the isolate
 * that owns the connections.
 */
import type { Account } from "../accounts/account.ts";
import type { MsgOp } from "../protocol/sink.ts";
import { Kind, type Receiver, type SublistEntry } from "../routing/receiver.ts";

/** A stream import that can pass a shown-subject delivery on into the importing account. */
interface ShownImport {
  deliverShown(deliver: string, op: MsgOp, deliverAsFn: typeof deliverAs): boolean | null;
}

function importOf(e: SublistEntry): ShownImport | null {
  if (e.owner.kind !== Kind.Import) return null;
  const owner = e.owner as Partial<ShownImport>;
  return typeof owner.deliverShown === "function" ? owner as ShownImport : null;
}

function local(e: SublistEntry): boolean {
  const k = e.owner.kind;
  return k === Kind.Client || k === Kind.Internal || importOf(e) !== null;
}

/**
 * Delivers `op` (showing its own subject) to the subscribers of `deliver` in `account`: every
 * plain subscription but `skip`'s and one member of each queue group. Returns whether anything
 * received it, or null when a non-local receiver has interest (the caller publishes instead).
 */
export function deliverAs(
  account: Account,
  deliver: string,
  op: MsgOp,
  skip: Receiver | null,
  random: () => number = Math.random,
): boolean | null {
  const r = account.sublist.matchString(deliver);
  for (const e of r.psubs) if (!local(e)) return null;
  for (const g of r.qsubs) for (const e of g) if (!local(e)) return null;
  let count = 0;
  for (const e of r.psubs) {
    // A stream import (nats-server processMsgResults' shadow subscriptions keep pa.deliver):
    // the importer's subscribers of the mapped deliver subject see the shown subject too.
    const imp = importOf(e);
    if (imp !== null) {
      if (imp.deliverShown(deliver, op, deliverAs) !== false) count++;
      continue;
    }
    if (e.owner !== skip && e.owner.receive(e, op)) count++;
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
  return count > 0;
}

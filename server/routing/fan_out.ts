/**
 * @module
 * The one fan-out of a message (nats-server client.go processMsgResults): match the subject once
 * in the account's sublist, deliver to every plain subscription and to one member of each queue
 * group, skipping the receivers the {@link DELIVERY} table forbids for the sender's kind. Whatever
 * arrives (a client's PUB, a route's RMSG, a mesh record, an internal publish) goes through
 * {@link FanOut.deliver}. Its per-message state lives in the {@link FanOut} object (one per isolate,
 * built by the server and passed to whoever routes messages): receivers that forward one copy
 * (routes, mesh peers) collected during the fan-out, import re-routes deferred until it is done,
 * and receivers far behind that the publisher's read loop must wait for (producer stall).
 * PURE: no Deno APIs, timers or console output.
 */
import type { Account } from "../accounts/account.ts";
import type { MsgOp, RoutedMsgOp } from "../protocol/sink.ts";
import {
  DELIVERY,
  deliveryRow,
  Kind,
  QUEUE_FALLBACK,
  type Receiver,
  type SublistEntry,
} from "./receiver.ts";
import { shownOp } from "./shown_subject.ts";

/**
 * A receiver with more than this many bytes waiting makes the publisher pause reading until it
 * is below half of it (nats-server stalls fast producers the same way, at max_pending/2; a lower
 * level keeps memory bounded without costing throughput).
 */
export const STALL_BYTES = 1024 * 1024;

/** The sending side, as the fan-out sees it. */
export interface Publisher {
  readonly account: Account;
  /** The sender's kind, for the {@link DELIVERY} rules. */
  readonly kind: Kind;
  /** Entries owned by this receiver are skipped: the publisher itself with echo off. */
  readonly echoSkip: Receiver | null;
  /** Called when nothing received a request (no_responders); may do nothing. */
  noResponders(op: MsgOp): void;
}

/** Receivers that forward (mesh peers, routes) and send one copy once the fan-out is done. */
export interface ForwardingReceiver extends Receiver {
  /** Sends the collected copy (with the queue groups it must serve); resets its state. */
  forward(account: Account, op: MsgOp): void;
}

/** Work that routes the message again in another account (imports), after the fan-out. */
export interface DeferredRoute {
  run(op: MsgOp): void;
}

/** A receiver with an outbound queue a publisher may wait on (client or link). */
export interface StallTarget {
  readonly out: { readonly pending: number; waitBelow(bytes: number): Promise<void> };
  /**
   * Pending bytes past which this receiver stalls its producers: {@link STALL_BYTES}, or half
   * its `max_pending` when that is lower (nats-server stalls at `mp/2`). Producers wait until it
   * is back under half this level.
   */
  readonly stallBytes: number;
}

/**
 * Which queue groups a message must serve: a routed message names them (RMSG queue list), a mesh
 * record too. Null filter: every group (a local publisher).
 */
export interface QueueFilter {
  serves(group: string): boolean;
}

/**
 * The gateways of this server (nats-server client.go `sendMsgToGateways`): a message whose
 * sender kind may reach gateways goes to them once the local fan-out is done, with the queue
 * groups already served (each group is served by one cluster only).
 */
export interface GatewayForwarder {
  /** True when the remote clusters have queue interest (served groups are then collected). */
  readonly collectQueues: boolean;
  /** Sends to the gateways; `servedQueues` may grow. True when a copy went out. */
  send(account: Account, op: MsgOp, servedQueues: string[]): boolean;
  /**
   * Reply routing (gateway.go handleGatewayReply): a message from a route (or gateway) on a
   * `_GR_.` subject is handled here; true when done with it.
   */
  routedReply(from: Kind, op: RoutedMsgOp): boolean;
  /** Bytes of `buf[start, end)` (a reply) to hide from a client: its `_GR_.` prefix, or 0. */
  replyOffset(buf: Uint8Array, start: number, end: number): number;
  /** A client got a routed reply (without its prefix): its response goes back the same way. */
  trackReply(account: Account, buf: Uint8Array, start: number, end: number, offset: number): void;
  /** A client publishes on such a reply: sent to the origin gateway; true when done. */
  publishReply(account: Account, op: MsgOp): boolean;
  /** Whether a message on `subject` would go to a gateway (internal senders check first). */
  interested(account: Account, subject: string): boolean;
}

/** A filter that serves no queue group (a routed message or mesh record naming none). */
export const NO_QUEUES: QueueFilter = { serves: () => false };

/** Match, pick queue members, forward: one per isolate. */
export class FanOut {
  readonly #random: () => number;
  /** Forwarding receivers pending for the message being routed: `[0, #forwarderCount)`. */
  readonly #forwarders: ForwardingReceiver[] = [];
  #forwarderCount = 0;
  readonly #deferred: DeferredRoute[] = [];
  readonly #stalled: StallTarget[] = [];
  /** The gateways, when this server has some (set by the gateway manager). */
  gateways: GatewayForwarder | null = null;
  /** Queue groups served by the current fan-out (only when the gateways ask for them). */
  readonly #servedQueues: string[] = [];
  /**
   * The connection whose message is being delivered (`deliver`'s `skip`), for receivers whose
   * rule depends on the sender itself (a leafnode link never gets a message from a leaf of the
   * same remote cluster: client.go processMsgResults, "cluster wide no echo").
   */
  sender: Receiver | null = null;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /**
   * Routes a message published by `pub` (a client, an internal connection, an import acting
   * for an account): everything allowed for its kind, then the no-responders status when a
   * request reached nobody. Returns true when anything received it.
   */
  publish(pub: Publisher, op: MsgOp): boolean {
    const delivered = this.deliver(pub.kind, pub.account, op, pub.echoSkip, null);
    if (!delivered && op.replyEnd > op.replyStart) pub.noResponders(op);
    return delivered;
  }

  /**
   * Delivers `op`, which came from a `from` connection, to the receivers of `account` the
   * {@link DELIVERY} table allows: every plain subscription but `skip`'s, and one member of each
   * queue group `queues` names (all groups when null), chosen at random by weight. Forwarded
   * copies go out and deferred import routes run before it returns.
   */
  deliver(
    from: Kind,
    account: Account,
    op: MsgOp,
    skip: Receiver | null,
    queues: QueueFilter | null,
  ): boolean {
    const mark = this.#deferred.length;
    const row = deliveryRow(from);
    this.sender = skip;
    const r = account.sublist.match(op.argBuf, op.subjectStart, op.subjectEnd);
    // A JetStream delivery from another server (or our own, falling back): local subscribers
    // see the shown subject (shown_subject.ts); links forward it as it came.
    const lop = from !== Kind.Client && from !== Kind.Import && op.replyEnd > op.replyStart
      ? shownOp(op) ?? op
      : op;
    const psubs = r.psubs;
    let count = 0;
    for (let i = 0; i < psubs.length; i++) {
      const e = psubs[i];
      const owner = e.owner;
      if (owner === skip || DELIVERY[row + owner.kind] === 0) continue;
      if (owner.receive(e, owner.kind <= Kind.Internal ? lop : op)) count++;
    }
    const gateways = DELIVERY[row + Kind.Gateway] === 1 ? this.gateways : null;
    const served = gateways !== null ? this.#servedQueues : null;
    if (served !== null) served.length = 0;
    const collect = gateways !== null && gateways.collectQueues;
    const qsubs = r.qsubs;
    for (let g = 0; g < qsubs.length; g++) {
      const group = qsubs[g];
      if (queues !== null && !queues.serves(group[0].queue!)) continue;
      if (this.#pickQueueMember(row, skip, group, op, lop)) {
        count++;
        if (collect) served!.push(group[0].queue!);
      }
    }
    if (this.#forwarderCount > 0) this.#sendForwards(account, op);
    if (gateways !== null && gateways.send(account, op, served!)) count++;
    if (this.#deferred.length > mark) this.#runDeferred(mark, op);
    return count > 0;
  }

  /**
   * One member of `group`, from a random point weighted by member counts; members the
   * {@link QUEUE_FALLBACK} table names for the sender's kind (leafnodes) only when no other
   * member took it.
   */
  #pickQueueMember(
    row: number,
    skip: Receiver | null,
    group: readonly SublistEntry[],
    op: MsgOp,
    lop: MsgOp,
  ): boolean {
    const n = group.length;
    if (n === 1) {
      const e = group[0];
      const owner = e.owner;
      return owner !== skip && DELIVERY[row + owner.kind] === 1 &&
        owner.receive(e, owner.kind <= Kind.Internal ? lop : op);
    }
    let total = 0;
    for (let i = 0; i < n; i++) total += group[i].weight;
    let r = this.#random() * total;
    let start = 0;
    for (; start < n - 1; start++) {
      r -= group[start].weight;
      if (r < 0) break;
    }
    let fallback = -1;
    for (let k = 0; k < n; k++) {
      const e = group[(start + k) % n];
      const owner = e.owner;
      if (owner === skip || DELIVERY[row + owner.kind] === 0) continue;
      if (QUEUE_FALLBACK[row + owner.kind] === 1) {
        if (fallback < 0) fallback = (start + k) % n;
        continue;
      }
      if (owner.receive(e, owner.kind <= Kind.Internal ? lop : op)) return true;
    }
    if (fallback < 0) return false;
    // Last resort: the leafnode members, from the first one met.
    for (let k = 0; k < n; k++) {
      const e = group[(fallback + k) % n];
      const owner = e.owner;
      if (owner === skip || QUEUE_FALLBACK[row + owner.kind] === 0) continue;
      if (DELIVERY[row + owner.kind] === 1 && owner.receive(e, op)) return true;
    }
    return false;
  }

  /** A forwarding receiver registers itself (once per message) while receiving. */
  pendForward(r: ForwardingReceiver): void {
    this.#forwarders[this.#forwarderCount++] = r;
  }

  /** Sends the pending forwarded copies (a counter, not `length = 0`: no re-growing). */
  #sendForwards(account: Account, op: MsgOp): void {
    const n = this.#forwarderCount;
    this.#forwarderCount = 0;
    const list = this.#forwarders;
    for (let i = 0; i < n; i++) list[i].forward(account, op);
  }

  /**
   * Queues `d` to run once the current fan-out is done (forwarded copies sent), so routing the
   * message again, into an importing account, never interleaves with the first fan-out.
   */
  defer(d: DeferredRoute): void {
    this.#deferred.push(d);
  }

  /** Runs the routes deferred since `mark` (in order; they may defer more, which run too). */
  #runDeferred(mark: number, op: MsgOp): void {
    const list = this.#deferred;
    for (let i = mark; i < list.length; i++) list[i].run(op);
    list.length = mark;
  }

  /** Records a receiver over its stall level (checked after appending a message). */
  noteStalled(r: StallTarget): void {
    if (!this.#stalled.includes(r)) this.#stalled.push(r);
  }

  /**
   * Receivers that passed their stall level since the last call, emptied. The read loop of the
   * publisher (or a mesh pump) waits for them before reading more.
   */
  takeStalled(): StallTarget[] {
    return this.#stalled.length === 0 ? [] : this.#stalled.splice(0);
  }
}

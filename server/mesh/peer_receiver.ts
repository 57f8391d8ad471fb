/**
 * @module
 * One other worker of the mesh, as the router and the interest code of this worker see it:
 * the owner of the remote-interest entries that worker announced (so one sublist match finds
 * local and remote interest), and the sender of ONE PUB record per message to it, naming the
 * queue groups it must serve. Runs in a shard worker.
 */
import type { Account } from "../accounts/account.ts";
import type { Flushable } from "../client/context.ts";
import type { FanOut, ForwardingReceiver } from "../routing/fan_out.ts";
import { Kind, type SublistEntry } from "../routing/receiver.ts";
import { FrameKind, type InterestRecord } from "../ipc/frames.ts";
import type { RemoteEntry } from "../interest/remote_interest.ts";
import type { RingPeer } from "../ipc/peer.ts";
import type { MsgOp } from "../protocol/sink.ts";

const enc = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** The receiver standing for another worker. */
export class PeerReceiver implements ForwardingReceiver, Flushable {
  readonly cid: number;
  /** Another worker: never delivered to from another worker (DELIVERY rules). */
  readonly kind = Kind.Peer;
  readonly peer: RingPeer;
  closed = false;
  #marked = false;
  #queues: Uint8Array[] = [];
  #queueCount = 0;
  #accountIndex = new Map<Account, number>();
  /** The last account looked up and its index (saves a map lookup per forwarded message). */
  #lastAccount: Account | null = null;
  #lastIndex = 0;
  #dirty = false;
  #markDirty: (f: Flushable) => void;
  readonly #fanOut: FanOut;
  #interest: InterestRecord = {
    kind: FrameKind.Sub,
    account: 0,
    weight: 1,
    subjectBuf: EMPTY,
    subjectStart: 0,
    subjectEnd: 0,
    queueBuf: EMPTY,
    queueStart: 0,
    queueEnd: 0,
  };

  constructor(peer: RingPeer, markDirty: (f: Flushable) => void, fanOut: FanOut) {
    this.peer = peer;
    this.#fanOut = fanOut;
    this.cid = -(peer.id + 1);
    this.#markDirty = markDirty;
  }

  /** Takes the message for this worker once, recording queue groups it must serve. */
  receive(entry: SublistEntry, _op: MsgOp): boolean {
    if (this.closed) return false;
    if (!this.#marked) {
      this.#marked = true;
      this.#fanOut.pendForward(this);
    }
    if (entry.queue !== null) {
      this.#queues[this.#queueCount++] = (entry as RemoteEntry).queueBytes;
    }
    return true;
  }

  /** Writes the one PUB record for this message. */
  forward(account: Account, op: MsgOp): void {
    const index = this.#indexOf(account);
    this.peer.sendPub(index, op, this.#queueCount > 0 ? this.#queues : null, this.#queueCount);
    this.#marked = false;
    this.#queueCount = 0;
    this.#touch();
  }

  /** Announces a local interest change to this worker (`delta`: signed weight, not 0). */
  sendInterest(
    account: Account,
    subject: Uint8Array,
    queue: Uint8Array | null,
    delta: number,
  ): void {
    if (this.closed || delta === 0) return;
    const rec = this.#interest;
    rec.kind = delta > 0 ? FrameKind.Sub : FrameKind.Unsub;
    rec.account = this.#indexOf(account);
    rec.weight = Math.abs(delta);
    rec.subjectBuf = subject;
    rec.subjectStart = 0;
    rec.subjectEnd = subject.length;
    rec.queueBuf = queue ?? EMPTY;
    rec.queueStart = 0;
    rec.queueEnd = queue?.length ?? 0;
    this.peer.sendInterest(rec);
    this.#touch();
  }

  /** Asks this worker to answer once everything sent before is applied. */
  sendBarrier(seq: number): void {
    if (this.closed) return;
    this.peer.barrier(seq);
    this.#touch();
  }

  /** Answers a barrier from this worker. */
  sendBarrierAck(seq: number): void {
    if (this.closed) return;
    this.peer.barrierAck(seq);
    this.#touch();
  }

  #indexOf(account: Account): number {
    if (account === this.#lastAccount) return this.#lastIndex;
    let index = this.#accountIndex.get(account);
    if (index === undefined) {
      index = this.#accountIndex.size;
      this.#accountIndex.set(account, index);
      this.peer.sendAccount(index, enc.encode(account.name));
    }
    this.#lastAccount = account;
    this.#lastIndex = index;
    return index;
  }

  #touch(): void {
    if (this.#dirty) return;
    this.#dirty = true;
    this.#markDirty(this);
  }

  /** Publishes what was written this turn (one tail store). */
  flushOutbound(): void {
    this.#dirty = false;
    if (!this.closed) this.peer.flush();
  }

  /** Stops sending; the worker is gone. */
  close(): void {
    this.closed = true;
    this.peer.close();
  }
}

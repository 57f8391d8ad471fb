/**
 * @module
 * This worker's place in the ring mesh (ARCHITECTURE.md): one {@link PeerReceiver} per other
 * worker, a pump per inbound ring, interest replication (local SUB/UNSUB out, remote SUB/UNSUB
 * into the account sublists as entries owned by the peer), PUB records delivered to local
 * receivers only (never forwarded again; in a link worker, to its link receivers only), and
 * barriers for "PONG means registered". Runs in a shard worker and in the route worker.
 */
import type { Account } from "../accounts/account.ts";
import type { Flushable } from "../client/context.ts";
import {
  FrameDispatcher,
  type FrameHandler,
  FrameKind,
  type InterestView,
  type PubView,
} from "../ipc/frames.ts";
import { MeshInterest } from "./mesh_interest.ts";
import { RingPeer } from "../ipc/peer.ts";
import { RingConsumer, RingProducer } from "../ipc/ring.ts";
import type { RingLink } from "../ipc/control.ts";
import { PeerReceiver } from "./peer_receiver.ts";
import { type FanOut, NO_QUEUES, type QueueFilter } from "../routing/fan_out.ts";
import { Kind } from "../routing/receiver.ts";
import { waitForStalled } from "../conn/read_loop.ts";
import { yieldTask } from "../conn/yield.ts";
import { yieldToIo } from "../conn/io_yield.ts";

export { closeYielder } from "../conn/io_yield.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const strictDec = new TextDecoder("utf-8", { fatal: true });
/** Records handled per pump turn before yielding to socket I/O. */
const DRAIN_BATCH = 2048;
/**
 * Record bytes handled per pump turn: like a socket read, one turn can add at most this much
 * to a receiver's pending output before its writes get a chance to run (2048 records of 1 KiB
 * would put 2 MiB in front of a subscriber at once and trip a small `max_pending`).
 */
const DRAIN_BYTES = 256 * 1024;
/**
 * How long an empty ring is polled (yielding between polls) after a drain of at least
 * {@link POLL_MIN_BATCH} records, and a full ring polled for space, before sleeping on the
 * doorbell: under streaming load a `waitAsync` wake-up costs a scheduling round trip on each
 * side (measured with 2 publishers and 2 subscribers split over 2 shards: about 15% more
 * messages per second). Sparse traffic sleeps at once: while a task is always ready the
 * runtime checks sockets less often, which cost request/reply across workers 1 ms per hop.
 */
const POLL_MS = 0.5;
/** A drain this large means a stream: poll for the next records instead of sleeping. */
const POLL_MIN_BATCH = 64;

/** A local interest to replicate: a client subscription, or a response router. */
export interface InterestSource {
  readonly subject: string;
  readonly queue: string | null;
  readonly subjectBytes?: Uint8Array;
  /** Weight to announce when replayed to a joining worker (a route's queue members); 1 if unset. */
  readonly meshWeight?: number;
}

/** What the mesh needs of the worker's server. */
export interface MeshHost {
  account(name: string): Account | null;
  /** The worker's fan-out: records from other workers are delivered through it. */
  readonly fanOut: FanOut;
  markDirty(f: Flushable): void;
  /** Every local subscription, to replay to a worker that joins. */
  localSubscriptions(): Iterable<[Account, InterestSource]>;
  logError(text: string): void;
  /**
   * Set in a link worker (routes): it relays interest between its links and the mesh (the
   * DELIVERY rules already keep mesh records away from other peers).
   */
  readonly linkWorker?: boolean;
  /**
   * A link worker's view of the mesh interest: another worker's SUB/UNSUB (`delta` is the signed
   * weight), applied; also called with negative weights when a worker leaves.
   */
  peerInterestChanged?(
    account: Account,
    subject: string,
    queue: string | null,
    delta: number,
    subjectBytes?: Uint8Array,
  ): void;
}

interface PendingBarrier {
  remaining: Set<number>;
  resolve: () => void;
}

/** Records from one other worker. */
class InboundLink implements FrameHandler {
  readonly #node: MeshNode;
  readonly #peerId: number;
  readonly #receiver: PeerReceiver;
  #accounts: (Account | null)[] = [];
  readonly #queues = new RecordQueues();

  constructor(node: MeshNode, peerId: number, receiver: PeerReceiver) {
    this.#node = node;
    this.#peerId = peerId;
    this.#receiver = receiver;
  }

  onPub(view: PubView): void {
    const account = this.#accounts[view.account];
    if (!account) return;
    // To this worker's own receivers (in a link worker: its links), never to another peer.
    this.#node.host.fanOut.deliver(Kind.Peer, account, view, null, this.#queues.reset(view));
  }

  onInterest(view: InterestView): void {
    const account = this.#accounts[view.account];
    if (account) this.#node.applyInterest(account, this.#peerId, view);
  }

  onBarrier(seq: number, ack: boolean): void {
    if (ack) this.#node.barrierAcked(this.#peerId, seq);
    else this.#receiver.sendBarrierAck(seq);
  }

  onAccount(index: number, buf: Uint8Array, start: number, end: number): void {
    this.#accounts[index] = this.#node.host.account(dec.decode(buf.subarray(start, end)));
  }
}

const queueNames = new Map<string, Uint8Array>();

function queueBytes(name: string): Uint8Array {
  let bytes = queueNames.get(name);
  if (bytes === undefined) {
    bytes = enc.encode(name);
    if (queueNames.size > 10_000) queueNames.clear();
    queueNames.set(name, bytes);
  }
  return bytes;
}

/** The queue groups a mesh PUB record names (one filter per inbound ring, reset per record). */
class RecordQueues implements QueueFilter {
  #view: PubView | null = null;

  /** A record without queue groups serves none. */
  reset(view: PubView): QueueFilter {
    this.#view = view;
    return view.hasQueues ? this : NO_QUEUES;
  }

  serves(group: string): boolean {
    const name = queueBytes(group);
    return this.#view!.servesQueue(name, 0, name.length);
  }
}

/** The reading end of a ring from another worker, with its decoder. */
interface InboundRing {
  consumer: RingConsumer;
  dispatcher: FrameDispatcher;
}

/** The mesh as seen from one worker. */
export class MeshNode {
  readonly workerId: number;
  readonly host: MeshHost;
  /** True in a link worker (see {@link MeshHost.linkWorker}). */
  readonly linkWorker: boolean;
  readonly #peers = new Map<number, PeerReceiver>();
  readonly #tables = new Map<Account, MeshInterest>();
  readonly #barriers = new Map<number, PendingBarrier>();
  #barrierSeq = 0;
  #closed = false;
  #drainWait: Promise<void> | null = null;
  /** Inbound rings by peer, and as an array for {@link pollInbound} (called on every read). */
  readonly #inbound = new Map<number, InboundRing>();
  #inboundList: InboundRing[] = [];

  constructor(workerId: number, host: MeshHost) {
    this.workerId = workerId;
    this.host = host;
    this.linkWorker = host.linkWorker === true;
  }

  /** Number of other workers linked. */
  get peerCount(): number {
    return this.#peers.size;
  }

  /** Times a ring was full and records waited (back-pressure events). */
  get fullWaits(): number {
    let n = 0;
    for (const p of this.#peers.values()) n += p.peer.fullWaits;
    return n;
  }

  /** Most bytes any ring's spill buffer held at once (ARCHITECTURE.md invariant 4). */
  get spillPeak(): number {
    let n = 0;
    for (const p of this.#peers.values()) n = Math.max(n, p.peer.spillPeak);
    return n;
  }

  /** True when some ring is full and records wait: stop reading sockets until drained. */
  get backlogged(): boolean {
    for (const p of this.#peers.values()) if (p.peer.backlogged) return true;
    return false;
  }

  /**
   * Resolves once every backlogged ring took its waiting records. One shared wait: every
   * reader paused by the backlog resumes together and reads once, so a publisher that resumes
   * first cannot refill the ring and starve the others.
   */
  drained(): Promise<void> {
    return this.#drainWait ??= this.#drainAll().finally(() => {
      this.#drainWait = null;
    });
  }

  async #drainAll(): Promise<void> {
    const pollUntil = performance.now() + POLL_MS;
    for (const p of this.#peers.values()) {
      const peer = p.peer;
      while (peer.backlogged && performance.now() < pollUntil) {
        await yieldTask();
        peer.flush();
      }
      if (peer.backlogged) await peer.drained();
    }
  }

  /** Links this worker to others: outbound producers, inbound pumps, interest replay. */
  addLinks(links: readonly RingLink[]): void {
    for (const link of links) {
      const old = this.#peers.get(link.peerId);
      if (old) this.removePeer(link.peerId);
      const producer = RingProducer.attach(link.outbound);
      const receiver = new PeerReceiver(
        new RingPeer(link.peerId, link.peerRole, producer),
        (f) => this.host.markDirty(f),
        this.host.fanOut,
      );
      this.#peers.set(link.peerId, receiver);
      const consumer = RingConsumer.attach(link.inbound);
      const dispatcher = new FrameDispatcher(new InboundLink(this, link.peerId, receiver));
      this.#inbound.set(link.peerId, { consumer, dispatcher });
      this.#inboundList = [...this.#inbound.values()];
      // The replay goes out before anything from the peer is handled: a barrier it sent when
      // it joined is answered behind the replay (it accepts clients only after the answer).
      for (const [account, sub] of this.host.localSubscriptions()) {
        receiver.sendInterest(account, subjectBytesOf(sub), queueOf(sub), sub.meshWeight ?? 1);
      }
      this.#pump(consumer, dispatcher, receiver);
    }
  }

  /** Forgets a worker (it died or left): its interest goes, barriers stop waiting for it. */
  removePeer(peerId: number): void {
    const receiver = this.#peers.get(peerId);
    if (!receiver) return;
    this.#peers.delete(peerId);
    this.#inbound.delete(peerId);
    this.#inboundList = [...this.#inbound.values()];
    receiver.close();
    const changed = this.host.peerInterestChanged?.bind(this.host);
    for (const [account, table] of this.#tables) {
      const removed = table.removeOwner(receiver);
      if (changed) {
        for (const e of removed) changed(account, e.subject, e.queue, -e.weight, e.subjectBytes);
      }
    }
    for (const [seq, b] of this.#barriers) {
      if (b.remaining.delete(peerId) && b.remaining.size === 0) {
        this.#barriers.delete(seq);
        b.resolve();
      }
    }
  }

  /**
   * Local subscription added or removed: tell every other worker. `delta` is the signed weight
   * (1 or -1 for a client subscription; a route's queue members in a link worker).
   */
  onLocalInterest(account: Account, sub: InterestSource, delta: number): void {
    if (delta === 0) return;
    if (this.#peers.size === 0) return;
    const subject = subjectBytesOf(sub);
    const queue = queueOf(sub);
    for (const p of this.#peers.values()) p.sendInterest(account, subject, queue, delta);
  }

  /** Applies a SUB/UNSUB record from `peerId` to the account's sublist. */
  applyInterest(account: Account, peerId: number, view: InterestView): void {
    const owner = this.#peers.get(peerId);
    if (owner === undefined) return;
    let table = this.#tables.get(account);
    if (!table) {
      table = new MeshInterest(account);
      this.#tables.set(account, table);
    }
    try {
      table.apply(owner, view);
    } catch (err) {
      this.host.logError(`mesh: interest from worker ${peerId} refused: ${err}`);
      return;
    }
    const changed = this.host.peerInterestChanged;
    if (changed === undefined) return;
    const bytes = view.subjectBuf.subarray(view.subjectStart, view.subjectEnd);
    let subject: string;
    let subjectBytes: Uint8Array | undefined;
    try {
      subject = strictDec.decode(bytes);
    } catch {
      subject = dec.decode(bytes);
      subjectBytes = bytes.slice();
    }
    const queue = view.queueEnd > view.queueStart
      ? dec.decode(view.queueBuf.subarray(view.queueStart, view.queueEnd))
      : null;
    const delta = view.kind === FrameKind.Sub ? view.weight : -view.weight;
    changed.call(this.host, account, subject, queue, delta, subjectBytes);
  }

  /**
   * Resolves when every other worker has applied everything this worker sent before the call
   * (PONG means registered). Immediate with no peers.
   */
  barrier(): Promise<void> {
    if (this.#peers.size === 0) return Promise.resolve();
    const seq = ++this.#barrierSeq;
    return new Promise((resolve) => {
      this.#barriers.set(seq, { remaining: new Set(this.#peers.keys()), resolve });
      for (const p of this.#peers.values()) p.sendBarrier(seq);
    });
  }

  /** A worker answered barrier `seq`. */
  barrierAcked(peerId: number, seq: number): void {
    const b = this.#barriers.get(seq);
    if (!b || !b.remaining.delete(peerId) || b.remaining.size > 0) return;
    this.#barriers.delete(seq);
    b.resolve();
  }

  async #pump(consumer: RingConsumer, dispatcher: FrameDispatcher, receiver: PeerReceiver) {
    let sinceYield = 0;
    let bytesSinceYield = 0;
    let lastData = 0;
    let streaming = false;
    try {
      while (!this.#closed && !receiver.closed && !consumer.closed) {
        if (!consumer.hasData) {
          sinceYield = 0;
          bytesSinceYield = 0;
          if (streaming && performance.now() - lastData < POLL_MS) await yieldTask();
          else {
            streaming = false;
            await consumer.waitForData(1000);
          }
          continue;
        }
        lastData = performance.now();
        const drained = consumer.drain(
          dispatcher,
          DRAIN_BATCH - sinceYield,
          DRAIN_BYTES - bytesSinceYield,
        );
        // Each drain decides: steady light traffic must not keep the pump polling forever.
        streaming = drained >= POLL_MIN_BATCH;
        sinceYield += drained;
        bytesSinceYield += consumer.drainedBytes;
        // Local receivers far behind: stop draining (the ring fills, the publisher's shard
        // stops reading) until they catch up.
        const stalled = this.host.fanOut.takeStalled();
        if (stalled.length > 0) await waitForStalled(stalled, 1000);
        // After a batch's worth of records, let sockets and timers run before draining more;
        // below that, keep draining (an empty ring makes the loop wait, which yields anyway).
        if (sinceYield >= DRAIN_BATCH || bytesSinceYield >= DRAIN_BYTES) {
          sinceYield = 0;
          bytesSinceYield = 0;
          await yieldToIo();
        } else await Promise.resolve();
      }
    } catch (err) {
      this.host.logError(`mesh: ring from worker ${receiver.peer.id} failed: ${err}`);
    }
  }

  /**
   * Handles what waits on the inbound rings now, up to a pump batch each: called after every
   * socket read, so a busy worker interleaves its publishers' reads and its peers' records
   * without waiting for a pump wake-up.
   */
  pollInbound(): void {
    const list = this.#inboundList;
    for (let i = 0; i < list.length; i++) {
      const { consumer, dispatcher } = list[i];
      if (!consumer.closed && consumer.hasData) {
        consumer.drain(dispatcher, DRAIN_BATCH, DRAIN_BYTES);
      }
    }
  }

  /** Stops all pumps and closes the rings. */
  close(): void {
    this.#closed = true;
    for (const id of [...this.#peers.keys()]) this.removePeer(id);
  }
}

/** Subject bytes of a local subscription (its raw bytes when they are not UTF-8). */
function subjectBytesOf(sub: InterestSource): Uint8Array {
  return sub.subjectBytes ?? enc.encode(sub.subject);
}

function queueOf(sub: InterestSource): Uint8Array | null {
  return sub.queue === null ? null : queueBytes(sub.queue);
}

/**
 * @module
 * One replica of a clustered stream (nats-server 2.9.10 jetstream_cluster.go
 * `monitorStream`, `applyStreamEntries`, `processStreamLeaderChange`): the stream's RAFT group
 * member (a {@link RaftHost} with its log in files), and the stream's
 * {@link StreamReplication}. The leader applies each change itself first (with the checks, as
 * on a single server) and proposes what it did (stream_entries.ts); a message's PubAck waits
 * until the group committed it. A follower applies committed entries at the leader's sequence
 * and time; a sequence it holds already is skipped, so the log can be replayed after a
 * restart. A member that wins an election first applies what the earlier leaders committed,
 * then takes the stream's subjects and runs its consumers.
 * IO shell: the group runs on the real clock over the system account.
 */
import type { InternalConnection } from "../../internal/internal_connection.ts";
import { type Entry, EntryType, RaftNode, RaftState, type RaftTiming } from "../../raft/mod.ts";
import { FileLog } from "../../raft/file/file_log.ts";
import type { EntryResult, StreamEntry } from "../stream/entry.ts";
import { AnswerDropped } from "../stream/ack_queue.ts";
import type { Stream, StreamReplication } from "../stream/stream.ts";
import type { RaftGroupInfo } from "./entries.ts";
import { RaftHost } from "./raft_host.ts";
import { ReplicaConsumers } from "./consumer_records.ts";
import { ConsumerStateSync } from "./consumer_state_sync.ts";
import { moveStep } from "./stream_move.ts";
import { catchUpStream, decodeStreamSnapshot, encodeStreamSnapshot } from "./stream_catchup.ts";
import {
  type ConsumerRecord,
  decodeStreamEntry,
  encodeConsumerRecord,
  encodeStreamEntry,
  purgeBound,
} from "./stream_entries.ts";

/** Options of a {@link StreamReplica}. */
export interface StreamReplicaOptions {
  /** A system-account connection for the group's `$NRG` traffic (closed with the replica). */
  conn: InternalConnection;
  group: RaftGroupInfo;
  /** This server's node id. */
  self: string;
  /** The group's log directory. */
  logDir: string;
  stream: Stream;
  timing?: Partial<RaftTiming>;
  /** This member was placed first: it campaigns at once instead of after a timeout. */
  campaign: boolean;
  /** The replica started (true) or stopped (false) leading. */
  onLeader(leader: boolean): void;
  /** A consumer record committed (every member saves it). */
  onConsumer(r: ConsumerRecord): void;
  /** A move is done on this new leader: the assignment keeps only `peers` (stream_move.ts). */
  onMoved?(peers: string[]): void;
  /** Server log notices (a move's steps), and a member's server name. */
  notice?(text: string): void;
  nameOf?(id: string): string;
  warn(text: string): void;
}

/** An append entry carries at most about this many bytes of proposals. */
const MAX_BATCH_BYTES = 1024 * 1024;

/** How often a leader replicates its consumers' changed states. */
const STATE_EVERY_MS = 1000;

/** Applied entries between two compactions of a group's log. */
const SNAPSHOT_EVERY = 8192;
/** Catch-up attempts (a quarter second apart) before a memory replica gives missing messages up. */
const CATCHUP_ATTEMPTS = 60;

interface Waiter {
  index: number;
  resolve(): void;
  reject(err: Error): void;
}

/** A stream's replica (see the module doc). */
export class StreamReplica implements StreamReplication {
  readonly host: RaftHost;
  readonly #o: StreamReplicaOptions;
  readonly #log: FileLog;
  /** Proposals waiting for their commit, in index order. */
  #waiters: Waiter[] = [];
  /** Elected, and applying what earlier leaders committed up to this index. */
  #catchingUpTo = 0;
  /** Serving as the stream's leader: entries above `#servedFrom` were applied when proposed. */
  #serving = false;
  #servedFrom = 0;
  #stopped = false;
  /** Entries applied since the last snapshot. */
  #applied = 0;
  /** The last message's persistence (a snapshot waits for it). */
  #lastPersisted: Promise<unknown> = Promise.resolve();
  /** The members the stream's assignment names (the group follows them while leading). */
  #peers: string[];
  /** The leader's proposed log indexes with the stream's last sequence when proposed. */
  #proposedSeqs: { index: number; seq: number }[] = [];
  /** The last sequence the group committed (the leader's stored messages above it are not). */
  #committedSeq = 0;
  /** Proposals waiting for the end of this turn of the event loop. */
  #batch: { data: Uint8Array; resolve(): void; reject(err: Error): void }[] = [];
  #batchBytes = 0;
  #flushQueued = false;
  /** The members a move was finished for (once per member list). */
  #moved = "";
  #movedAt = 0;
  /** The consumers the group carried (what a memory stream's new leader resumes). */
  readonly consumers = new ReplicaConsumers();
  /** The consumers' states handed to the group while this replica leads. */
  readonly #states: ConsumerStateSync;
  #stateTimer: ReturnType<typeof setInterval> | undefined;
  /** Catching up from a snapshot: the entries that arrived meanwhile (null: not). */
  #held: { index: number; entries: Entry[] }[] | null = null;

  constructor(o: StreamReplicaOptions) {
    this.#o = o;
    this.#peers = [...o.group.peers];
    this.#states = new ConsumerStateSync(o.stream, this.consumers, (d) => this.#propose(d));
    this.#log = new FileLog(o.logDir, { syncAppends: false });
    const node = new RaftNode({
      group: o.group.name,
      id: o.self,
      peers: o.group.peers,
      log: this.#log,
      random: Math.random,
      timing: o.timing,
    });
    this.host = new RaftHost({
      conn: o.conn,
      node,
      apply: (index, entries) => this.#apply(index, entries),
      state: (s) => this.#onState(s.state),
      afterStep: () => this.#afterStep(),
    });
  }

  /** The group's name. */
  get group(): string {
    return this.#o.group.name;
  }

  /** Serving as the stream's leader. */
  get isLeader(): boolean {
    return this.#serving;
  }

  /** Joins the group (a placed-first member campaigns at once). */
  start(): void {
    this.#o.stream.replication = this;
    this.host.start();
    if (this.#o.campaign && this.host.node.state !== RaftState.Leader) {
      this.host.command((n, now) => n.campaign(now));
    }
  }

  /** StreamReplication: the leader applied `entry`; resolves once the group committed it. */
  replicate(entry: StreamEntry, r: EntryResult, now: bigint): Promise<unknown> | null {
    if (!this.#serving) return null;
    if (r.op === "msg" || r.op === "mirror") this.#lastPersisted = r.persisted;
    const data = this.#encode(entry, r, now);
    return data === null ? null : this.#propose(data);
  }

  /** Replicates a consumer's saved config, state or removal (the leader only). */
  replicateConsumer(r: ConsumerRecord): Promise<void> {
    if (!this.#serving) return Promise.resolve();
    this.consumers.apply(r);
    return this.#propose(encodeConsumerRecord(r)).then(() => {}, () => {});
  }

  /** StreamReplication: acks were applied (their states go soon). */
  consumerChanged(): void {
    this.#states.changed();
  }

  /** StreamReplication: resolves once the consumers' states now were committed. */
  consumerReplicated(): Promise<void> {
    return this.#states.replicated();
  }

  /**
   * A moving stream's leader (stream_move.ts): an old one hands over to a caught-up new member,
   * a new one takes the old members out and has the assignment updated.
   */
  #checkMove(): void {
    const node = this.host.node;
    if (!this.#serving || node.state !== RaftState.Leader) return;
    const current = new Set(node.peerReport().filter((p) => p.current).map((p) => p.id));
    const step = moveStep(this.#o.self, this.#peers, this.#o.stream.config.num_replicas, current);
    if (step === null) return;
    const stream = this.#o.stream;
    const what = `'${stream.account.name} > ${stream.name}'`;
    if (step.kind === "transfer") {
      this.#o.notice?.(
        `Transfer of stream leader for ${what} to '${this.#o.nameOf?.(step.to) ?? step.to}'`,
      );
      this.stepDown(step.to);
      return;
    }
    // Once per member list (again after 10 s: the assignment update may have been lost).
    const members = this.#peers.join(",");
    if (this.#moved === members && Date.now() - this.#movedAt < 10_000) return;
    this.#moved = members;
    this.#movedAt = Date.now();
    for (const p of step.old) this.host.command((n, t) => n.proposeRemovePeer(t, p));
    this.#o.onMoved?.(step.peers);
  }

  /**
   * The assignment's members changed (a scale or a move): the leader adds and removes them in
   * the group now, a member that leads later when it starts to.
   */
  setPeers(peers: readonly string[]): void {
    this.#peers = [...peers];
    this.#changePeers(peers);
  }

  #changePeers(peers: readonly string[]): void {
    if (this.host.node.state !== RaftState.Leader) return;
    const now = new Set(this.host.node.peers().keys());
    for (const p of peers) {
      if (!now.has(p)) this.host.command((n, t) => n.proposeAddPeer(t, p));
    }
    for (const p of now) {
      if (!peers.includes(p)) this.host.command((n, t) => n.proposeRemovePeer(t, p));
    }
  }

  /** Hands leadership to another member (STREAM.LEADER.STEPDOWN). */
  stepDown(preferred = ""): void {
    if (this.host.node.state !== RaftState.Leader) return;
    // The consumers' latest states first, so that the next leader resumes them exactly.
    const handOver = () => {
      if (!this.#stopped && this.host.node.state === RaftState.Leader) {
        this.host.stepDown(preferred);
      }
    };
    if (!this.#serving) handOver();
    else void this.#states.send().then(handOver);
  }

  /** Leaves the group: stops the member and closes its log (the files stay). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#stateTimer);
    if (this.#serving) void this.#states.send();
    this.#states.stop();
    this.#o.stream.replication = null;
    this.#drop();
    this.host.stop();
    this.#log.close();
  }

  /** Stops and removes the group's log (the stream was deleted or moved off this server). */
  remove(): void {
    this.stop();
    try {
      Deno.removeSync(this.#o.logDir, { recursive: true });
    } catch { /* already gone */ }
  }

  #encode(entry: StreamEntry, r: EntryResult, now: bigint): Uint8Array | null {
    switch (entry.op) {
      case "msg": {
        if (r.op !== "msg" || r.seq === 0) return null;
        // A message refused by an account limit, or skipped for interest, used its sequence up.
        if (entry.skip || r.limitError !== null) {
          return encodeStreamEntry({ op: "skip", through: r.seq }, now);
        }
        return encodeStreamEntry({
          op: "stored",
          subject: entry.subject,
          header: entry.header,
          data: entry.data,
          seq: r.seq,
          ts: now,
          msgId: entry.msgId,
          rollup: entry.rollup,
        }, now);
      }
      case "mirror":
        if (r.op !== "mirror" || !r.stored) return null;
        return encodeStreamEntry({
          op: "stored",
          subject: entry.subject,
          header: entry.header,
          data: entry.data,
          seq: entry.seq,
          ts: entry.ts === 0n ? now : entry.ts,
          msgId: entry.msgId,
          rollup: "",
        }, now);
      case "skip":
        return r.op === "skip" && r.skipped > 0 ? encodeStreamEntry(entry, now) : null;
      case "purge":
        return encodeStreamEntry(entry, now, purgeBound(entry, this.#o.stream.store));
      case "delete":
        return r.op === "delete" && r.removed ? encodeStreamEntry(entry, now) : null;
      case "remove":
        return r.op === "remove" && r.removed ? encodeStreamEntry(entry, now) : null;
      default:
        return null;
    }
  }

  /**
   * Proposes `data`; the entries proposed in one turn of the event loop (a socket read's
   * publishes) go out as one append entry.
   */
  #propose(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#batch.push({ data, resolve, reject });
      this.#batchBytes += data.length;
      if (this.#batchBytes >= MAX_BATCH_BYTES) this.#flush();
      else if (!this.#flushQueued) {
        this.#flushQueued = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    this.#batchBytes = 0;
    const index = this.#serving ? this.host.proposeBatch(batch.map((b) => b.data)) : 0;
    if (index === 0) {
      for (const b of batch) b.reject(new AnswerDropped("not the leader"));
      return;
    }
    this.#proposedSeqs.push({ index, seq: this.#o.stream.store.state().lastSeq });
    const applied = this.host.node.appliedIndex;
    for (const b of batch) {
      if (applied >= index) b.resolve();
      else this.#waiters.push({ index, resolve: b.resolve, reject: b.reject });
    }
  }

  #apply(index: number, entries: Entry[]): void {
    // Fetching what a snapshot said we lack: later entries wait their turn.
    if (this.#held !== null) {
      this.#held.push({ index, entries });
      return;
    }
    const stream = this.#o.stream;
    // The leader applied its own proposals when it made them.
    const own = this.#serving && index > this.#servedFrom;
    for (const e of entries) {
      if (e.type === EntryType.Snapshot) {
        this.#fromSnapshot(e.data);
        continue;
      }
      if (e.type !== EntryType.Normal || own) continue;
      const d = decodeStreamEntry(e.data, stream.config);
      if (d === null) continue;
      if (d.kind !== "stream") {
        this.consumers.apply(d);
        try {
          this.#o.onConsumer(d);
        } catch (err) {
          this.#o.warn(
            `JetStream replica of '${stream.account.name} > ${stream.name}' could not save consumer '${d.name}': ${err}`,
          );
        }
        continue;
      }
      try {
        const r = stream.applyLogged(d.entry, d.ts);
        if (r.op === "stored") this.#lastPersisted = r.persisted;
      } catch (err) {
        this.#o.warn(
          `JetStream replica of '${stream.account.name} > ${stream.name}' could not apply an entry: ${
            err instanceof Error ? err.message : String(err)
          }`,
        );
      }
    }
    // What the leader stored is committed up to this index's last sequence.
    let n = 0;
    while (n < this.#proposedSeqs.length && this.#proposedSeqs[n].index <= index) {
      this.#committedSeq = this.#proposedSeqs[n++].seq;
    }
    if (n > 0) this.#proposedSeqs = this.#proposedSeqs.slice(n);
    let done = 0;
    while (done < this.#waiters.length && this.#waiters[done].index <= index) {
      this.#waiters[done++].resolve();
    }
    if (done > 0) this.#waiters = this.#waiters.slice(done);
    this.#applied += entries.length;
    if (this.#applied >= SNAPSHOT_EVERY) this.#snapshot();
  }

  /**
   * Compacts the group's log (raft.go InstallSnapshot, as monitorStream does): the snapshot is
   * the stream's first and last sequence, taken once the store persisted what was applied.
   */
  #snapshot(): void {
    this.#applied = 0;
    const node = this.host.node;
    const at = node.appliedIndex;
    const st = this.#o.stream.store.state();
    const data = encodeStreamSnapshot({
      first: st.firstSeq,
      last: st.lastSeq,
      consumers: this.consumers.list(),
    });
    this.#lastPersisted.then(() => {
      if (this.#stopped || this.#held !== null) return;
      try {
        node.installSnapshot(data, at);
      } catch { /* a leader catching a follower up: the next one */ }
    }, () => {});
  }

  /**
   * The leader's snapshot reached us (we were behind its compacted log): drop what it no longer
   * holds, fetch what we lack, then apply the entries that came meanwhile.
   */
  #fromSnapshot(data: Uint8Array): void {
    const snap = decodeStreamSnapshot(data);
    if (snap === null) return;
    const stream = this.#o.stream;
    for (const rec of this.consumers.replace(snap.consumers ?? [])) {
      try {
        this.#o.onConsumer(rec);
      } catch { /* reported when its next record comes */ }
    }
    const st = stream.store.state();
    if (st.msgs > 0 && snap.first > st.firstSeq) {
      stream.applyLogged({ op: "purge", filter: "", seq: snap.first, keep: 0 }, 0n);
    }
    if (snap.last <= st.lastSeq) return;
    if (this.#o.group.peers.length === 1) {
      // Nobody to fetch from (a memory stream of one replica after a restart): gone.
      stream.applyLogged({ op: "skip", through: snap.last }, 0n);
      return;
    }
    this.#held = [];
    this.host.command((n, now) => {
      n.setObserver(true, now);
      return [];
    });
    const from = Math.max(st.lastSeq + 1, snap.first);
    void this.#fetch(from, snap.last);
  }

  async #fetch(from: number, to: number): Promise<void> {
    const stream = this.#o.stream;
    for (let attempt = 0; !this.#stopped; attempt++) {
      if (attempt === CATCHUP_ATTEMPTS && stream.config.storage === "memory") {
        // No member has them (a whole group of memory replicas restarted): they are gone.
        this.#o.warn(
          `JetStream catchup of '${stream.account.name} > ${stream.name}' gave up: no replica has messages ${from} to ${to}`,
        );
        stream.applyLogged({ op: "skip", through: to }, 0n);
        break;
      }
      try {
        const start = Math.max(from, stream.store.state().lastSeq + 1);
        await catchUpStream(stream, start, to, { closed: () => this.#stopped });
        break;
      } catch (err) {
        if (attempt % 10 === 0) {
          this.#o.warn(
            `JetStream catchup of '${stream.account.name} > ${stream.name}' retrying: ${
              err instanceof Error ? err.message : String(err)
            }`,
          );
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const held = this.#held ?? [];
    this.#held = null;
    if (this.#stopped) return;
    this.host.command((n, now) => {
      n.setObserver(false, now);
      return [];
    });
    for (const h of held) this.#apply(h.index, h.entries);
  }

  /** After each step: an elected member that applied what it had to starts serving. */
  #afterStep(): void {
    if (this.#catchingUpTo > 0 && this.host.node.appliedIndex >= this.#catchingUpTo) this.#serve();
  }

  #onState(state: string): void {
    if (this.#stopped) return;
    if (state === RaftState.Leader) {
      if (this.#serving || this.#catchingUpTo > 0) return;
      const node = this.host.node;
      // Apply what earlier leaders committed (everything before our first entry, the peer
      // state the new leader appends) before taking messages.
      const target = node.lastIndex - 1;
      if (node.appliedIndex >= target) this.#serve();
      else this.#catchingUpTo = target;
      return;
    }
    this.#catchingUpTo = 0;
    if (!this.#serving) return;
    this.#serving = false;
    clearInterval(this.#stateTimer);
    this.#states.stop();
    this.#drop();
    this.#rollback();
    this.#o.stream.setLeader(false);
    this.#o.onLeader(false);
  }

  #serve(): void {
    this.#catchingUpTo = 0;
    this.#serving = true;
    this.#proposedSeqs = [];
    this.#committedSeq = this.#o.stream.store.state().lastSeq;
    this.#changePeers(this.#peers);
    this.#states.start();
    this.#stateTimer = setInterval(() => {
      void this.#states.send();
      this.#checkMove();
    }, STATE_EVERY_MS);
    Deno.unrefTimer(this.#stateTimer as unknown as number);
    this.#servedFrom = this.host.node.lastIndex;
    this.#o.stream.setLeader(true);
    this.#o.onLeader(true);
  }

  /**
   * A leader that lost its leadership drops the messages it stored that the group did not
   * commit (none of them was acknowledged): the next leader may give those sequences to other
   * messages, which this replica then stores (nats-server resets its clustered state likewise).
   */
  #rollback(): void {
    const stream = this.#o.stream;
    const st = stream.store.state();
    const keep = this.#committedSeq;
    this.#proposedSeqs = [];
    if (st.lastSeq <= keep) return;
    // truncate() needs a sequence that holds a message: the last one at or below `keep`.
    for (let seq = keep; seq >= Math.max(st.firstSeq, keep - 1024); seq--) {
      try {
        stream.store.truncate(seq);
        this.#o.warn(
          `JetStream replica of '${stream.account.name} > ${stream.name}' dropped sequences ${
            seq + 1
          } to ${st.lastSeq} its group did not commit`,
        );
        return;
      } catch { /* a deleted sequence: the one below */ }
    }
    this.#o.warn(
      `JetStream replica of '${stream.account.name} > ${stream.name}' could not drop sequences above ${keep} its group did not commit`,
    );
  }

  /** Proposals that will not be answered (leadership lost, or stopped). */
  #drop(): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    for (const b of batch) b.reject(new AnswerDropped("leadership lost"));
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(new AnswerDropped("leadership lost"));
  }
}

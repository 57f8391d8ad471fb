/**
 * @module
 * A deterministic simulation of a RAFT group for the tests: a seeded PRNG, a virtual clock and a
 * network that delays, drops, duplicates and reorders messages and can be partitioned. Nodes may
 * crash and restart from their (kept) storage. Every event is followed by the RAFT safety
 * checks: at most one leader per term, log matching, leader completeness, and state machine
 * safety (every node applies the same entries in the same order). Private to the raft tests.
 * PURE: no Deno APIs, timers or console output.
 */
import { MemoryLog, type RaftLog } from "./log.ts";
import { type RaftOutput, RaftState } from "./core.ts";
import { RaftNode } from "./node.ts";
import { EntryType } from "./wire.ts";
import { prng } from "../protocol/prng.ts";

export { prng };

/** Network behaviour. */
export interface NetworkOptions {
  minDelay: number;
  maxDelay: number;
  drop: number;
  duplicate: number;
}

interface Message {
  at: number;
  seq: number;
  to: number;
  incarnation: number;
  subject: string;
  reply: string;
  data: Uint8Array;
}

/**
 * Where the simulated servers keep their logs: `open` gives node `id`'s log at every boot (a
 * restart after a crash reopens what was stored; the crashed node's log stays readable for the
 * checks until then), `close` releases every log at the end of a run. The default keeps one
 * MemoryLog per node across restarts.
 */
export interface SimStorage {
  open(id: string): RaftLog;
  close?(): void;
}

function memoryStorage(): SimStorage {
  const logs = new Map<string, MemoryLog>();
  return {
    open: (id) => {
      let log = logs.get(id);
      if (!log) logs.set(id, log = new MemoryLog());
      return log;
    },
  };
}

/** One simulated server. */
export interface SimNode {
  id: string;
  node: RaftNode;
  log: RaftLog;
  up: boolean;
  incarnation: number;
  subjects: Set<string>;
  /** Applied normal payloads, in order (the state machine). */
  state: string[];
  lastApplied: number;
  /** Commit index up to which this node's committed entries were compared. */
  checked: number;
  /** Removed from the group and shut down for good. */
  retired: boolean;
}

const GROUP = "S-R3F-SIMGROUP";
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A simulated group and its checker. */

/** A member not booted yet (its node and log come with its first boot). */
function unbooted(id: string): SimNode {
  return {
    id,
    node: undefined as unknown as RaftNode,
    log: undefined as unknown as RaftLog,
    up: true,
    incarnation: 0,
    subjects: new Set(),
    state: [],
    lastApplied: 0,
    checked: 0,
    retired: false,
  };
}

export class Sim {
  readonly random: () => number;
  readonly nodes: SimNode[] = [];
  now = 0;
  net: NetworkOptions;
  /** side[i]: nodes on different sides cannot talk. */
  side: number[];
  #queue: Message[] = [];
  #seq = 0;
  #leaders = new Map<number, string>();
  /** index -> `${term}:${bytes}` of every entry known committed anywhere. */
  #committed = new Map<number, string>();
  #canonical: string[] = [];
  #proposed = 0;
  events = 0;
  elections = 0;
  /** Snapshots applied: restored at restart, and received through catch-ups. */
  snapshotsRestored = 0;
  snapshotsReceived = 0;
  #booting = false;
  #members: string[] = [];

  readonly storage: SimStorage;

  constructor(size: number, seed: number, net: NetworkOptions, storage = memoryStorage()) {
    this.storage = storage;
    this.random = prng(seed);
    this.net = net;
    this.side = new Array(size).fill(0);
    const ids = Array.from({ length: size }, (_, i) => `NODE${String(i).padStart(4, "0")}`);
    for (const id of ids) this.nodes.push(unbooted(id));
    this.#members = ids;
    for (let i = 0; i < size; i++) this.#boot(i, ids);
  }

  #boot(i: number, ids = this.#members): void {
    const sn = this.nodes[i];
    sn.incarnation++;
    sn.up = true;
    sn.log = this.storage.open(sn.id);
    sn.subjects.clear();
    sn.state = [];
    sn.lastApplied = 0;
    sn.checked = 0;
    sn.node = new RaftNode({
      group: GROUP,
      id: sn.id,
      peers: ids,
      log: sn.log,
      random: this.random,
      // The simulated network reorders (up to maxDelay): wait that long before calling a gap.
      timing: { reorderWindow: 60 },
    });
    this.#booting = true;
    this.#handle(i, sn.node.start(this.now));
    this.#booting = false;
  }

  /**
   * Starts a server that is not a member yet (it knows the current members); the leader adds
   * it once it answers (raft.go trackPeer -> ProposeAddPeer) and catches it up.
   */
  join(id: string): number {
    const members = this.nodes.map((n) => n.id);
    this.nodes.push(unbooted(id));
    this.side.push(0);
    const i = this.nodes.length - 1;
    this.#boot(i, members);
    return i;
  }

  /**
   * Proposes removing `id` on the leader (false without one) and shuts that server down for
   * good once the removal is committed, as the meta layer does with a removed peer.
   */
  remove(id: string): boolean {
    const leader = this.leader();
    if (!leader) return false;
    this.#handle(this.nodes.indexOf(leader), leader.node.proposeRemovePeer(this.now, id));
    this.run(this.now + 2000, () => leader.node.commit >= leader.node.lastIndex);
    const sn = this.nodes.find((n) => n.id === id)!;
    sn.up = false;
    sn.retired = true;
    return true;
  }

  /** Stops a node; its storage survives. */
  crash(i: number): void {
    this.nodes[i].up = false;
  }

  /** Releases the storage (at the end of a run). */
  close(): void {
    this.storage.close?.();
  }

  /** Restarts a crashed node from its storage (retired ones stay down). */
  restart(i: number): void {
    if (this.nodes[i].retired) return;
    this.#boot(i);
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const sn of this.nodes) {
      if (sn.up && sn.node.state === RaftState.Leader && (!best || sn.node.term > best.node.term)) {
        best = sn;
      }
    }
    return best;
  }

  /** Proposes a unique payload on the current leader; returns it, or undefined. */
  propose(): string | undefined {
    const leader = this.leader();
    if (!leader) return undefined;
    const payload = `p${++this.#proposed}`;
    const i = this.nodes.indexOf(leader);
    this.#handle(i, leader.node.propose(this.now, encoder.encode(payload)));
    return payload;
  }

  /** Has a random follower forward a unique payload to `$NRG.P.<group>`. */
  forward(): void {
    const up = this.nodes.filter((sn) => sn.up && sn.node.state !== RaftState.Leader);
    if (up.length === 0) return;
    const sn = up[Math.floor(this.random() * up.length)];
    const payload = `f${++this.#proposed}`;
    this.#handle(
      this.nodes.indexOf(sn),
      sn.node.forwardProposal(this.now, encoder.encode(payload)),
    );
  }

  /** Has the leader step down, handing over to any live follower. */
  stepDown(): void {
    const leader = this.leader();
    if (!leader) return;
    this.#handle(this.nodes.indexOf(leader), leader.node.stepDown(this.now));
  }

  /** Has node `i` applied `payload`? */
  applied(i: number, payload: string): boolean {
    return this.nodes[i].state.includes(payload);
  }

  /** Installs a snapshot of node `i`'s state machine (ignored while it catches others up). */
  snapshot(i: number): void {
    const sn = this.nodes[i];
    if (!sn.up || sn.lastApplied === 0) return;
    try {
      sn.node.installSnapshot(encoder.encode(JSON.stringify(sn.state)));
    } catch { /* catch-ups running */ }
  }

  /** Runs the simulation until `until` (virtual ms) or `stop()` holds. */
  run(until: number, stop: () => boolean = () => false): boolean {
    while (this.now < until) {
      if (stop()) return true;
      let next = until;
      let tickNode = -1;
      for (let i = 0; i < this.nodes.length; i++) {
        const sn = this.nodes[i];
        if (!sn.up) continue;
        const d = sn.node.nextDeadline();
        if (d < next) {
          next = d;
          tickNode = i;
        }
      }
      const msg = this.#queue[0];
      if (msg && msg.at <= next) {
        this.#pop();
        this.now = Math.max(this.now, msg.at);
        const sn = this.nodes[msg.to];
        if (sn.up && sn.incarnation === msg.incarnation && sn.subjects.has(msg.subject)) {
          this.#handle(msg.to, sn.node.step(this.now, msg));
        }
      } else if (tickNode >= 0) {
        this.now = Math.max(this.now, next);
        this.#handle(tickNode, this.nodes[tickNode].node.tick(this.now));
      } else {
        this.now = until;
      }
      this.events++;
      if (this.events % 2000 === 0) this.checkLogMatching();
    }
    return stop();
  }

  #handle(i: number, outputs: RaftOutput[]): void {
    const sn = this.nodes[i];
    for (const out of outputs) {
      switch (out.kind) {
        case "subscribe":
          sn.subjects.add(out.subject);
          break;
        case "unsubscribe":
          sn.subjects.delete(out.subject);
          break;
        case "send":
          this.#send(i, out.subject, out.reply, out.data);
          break;
        case "state":
          if (out.state === RaftState.Leader) this.#onLeader(i, out.term);
          break;
        case "apply":
          this.#apply(i, out.index, out.entries.map((e) => ({ type: e.type, data: e.data })));
          break;
      }
    }
    this.#checkCommitted(i);
  }

  #send(from: number, subject: string, reply: string, data: Uint8Array): void {
    for (let to = 0; to < this.nodes.length; to++) {
      const sn = this.nodes[to];
      if (to === from || !sn.subjects.has(subject)) continue;
      if (this.side[to] !== this.side[from]) continue;
      if (this.random() < this.net.drop) continue;
      const copies = this.random() < this.net.duplicate ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        const delay = this.net.minDelay + this.random() * (this.net.maxDelay - this.net.minDelay);
        this.#push({
          at: this.now + delay,
          seq: this.#seq++,
          to,
          incarnation: sn.incarnation,
          subject,
          reply,
          data,
        });
      }
    }
  }

  #onLeader(i: number, term: number): void {
    this.elections++;
    const id = this.nodes[i].id;
    const prior = this.#leaders.get(term);
    if (prior !== undefined && prior !== id) {
      throw new Error(`two leaders in term ${term}: ${prior} and ${id}`);
    }
    this.#leaders.set(term, id);
    // Leader completeness: every committed entry is in the new leader's log.
    const log = this.nodes[i].log;
    for (const [index, value] of this.#committed) {
      if (index < log.firstIndex()) continue;
      const record = log.get(index);
      if (!record || `${record.term}:${keyOf(record.bytes)}` !== value) {
        throw new Error(`leader ${id} of term ${term} lacks committed entry ${index}`);
      }
    }
  }

  #apply(i: number, index: number, entries: { type: number; data: Uint8Array }[]): void {
    const sn = this.nodes[i];
    if (index <= sn.lastApplied) {
      throw new Error(`${sn.id} applied ${index} after ${sn.lastApplied}`);
    }
    sn.lastApplied = index;
    for (const e of entries) {
      if (e.type === EntryType.Snapshot) {
        if (this.#booting) this.snapshotsRestored++;
        else this.snapshotsReceived++;
        sn.state = JSON.parse(decoder.decode(e.data));
        for (let k = 0; k < sn.state.length; k++) this.#checkApplied(sn, k);
      } else if (e.type === EntryType.Normal) {
        sn.state.push(decoder.decode(e.data));
        this.#checkApplied(sn, sn.state.length - 1);
      }
    }
    sn.node.applied(index);
  }

  /** State machine safety: every node's applied sequence is a prefix of one sequence. */
  #checkApplied(sn: SimNode, k: number): void {
    if (k === this.#canonical.length) this.#canonical.push(sn.state[k]);
    else if (this.#canonical[k] !== sn.state[k]) {
      throw new Error(
        `${sn.id} applied ${sn.state[k]} as entry ${k}, another node ${this.#canonical[k]}`,
      );
    }
  }

  /** Committed entries never change: compare each node's newly committed ones. */
  #checkCommitted(i: number): void {
    const sn = this.nodes[i];
    const commit = sn.node.commit;
    for (let index = Math.max(sn.log.firstIndex(), sn.checked + 1); index <= commit; index++) {
      const record = sn.log.get(index);
      if (!record) continue;
      const value = `${record.term}:${keyOf(record.bytes)}`;
      const known = this.#committed.get(index);
      if (known === undefined) this.#committed.set(index, value);
      else if (known !== value) {
        throw new Error(`${sn.id} committed a different entry at ${index}`);
      }
    }
    sn.checked = Math.max(sn.checked, commit);
  }

  /** Log matching: same index and term means the same entry and the same history before it. */
  checkLogMatching(): void {
    for (let a = 0; a < this.nodes.length; a++) {
      for (let b = a + 1; b < this.nodes.length; b++) {
        const la = this.nodes[a].log;
        const lb = this.nodes[b].log;
        const from = Math.max(la.firstIndex(), lb.firstIndex());
        const to = Math.min(la.lastIndex(), lb.lastIndex());
        let matchedAbove = false;
        for (let index = to; index >= from; index--) {
          const ra = la.get(index)!;
          const rb = lb.get(index)!;
          if (ra.term === rb.term) {
            matchedAbove = true;
            if (ra.bytes !== rb.bytes && keyOf(ra.bytes) !== keyOf(rb.bytes)) {
              throw new Error(`logs differ at ${index} with the same term ${ra.term}`);
            }
          } else if (matchedAbove) {
            throw new Error(`logs match above ${index} but differ at it`);
          }
        }
      }
    }
  }

  #push(msg: Message): void {
    const q = this.#queue;
    q.push(msg);
    let i = q.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(q[parent], q[i])) break;
      [q[parent], q[i]] = [q[i], q[parent]];
      i = parent;
    }
  }

  #pop(): void {
    const q = this.#queue;
    const last = q.pop()!;
    if (q.length === 0) return;
    q[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < q.length && before(q[l], q[m])) m = l;
      if (r < q.length && before(q[r], q[m])) m = r;
      if (m === i) break;
      [q[m], q[i]] = [q[i], q[m]];
      i = m;
    }
  }
}

const keys = new WeakMap<Uint8Array, string>();

/** An exact comparison key for a stored entry's bytes, computed once per buffer. */
function keyOf(bytes: Uint8Array): string {
  let key = keys.get(bytes);
  if (key === undefined) {
    key = "";
    for (let i = 0; i < bytes.length; i += 4096) {
      key += String.fromCharCode(...bytes.subarray(i, i + 4096));
    }
    keys.set(bytes, key);
  }
  return key;
}

function before(a: Message, b: Message): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * @module
 * Runs one RAFT group member (server/raft/, a pure state machine) inside a server: its `$NRG.*`
 * traffic goes through an internal connection in the system account (so it crosses routes like
 * nats-server's, raft.go `sendq`/`subscribe` on the system account), its timers on the real
 * clock, and its committed entries to the owner's apply function, after which the node is told
 * they were applied. Clustered JetStream's meta, stream and consumer groups each run in one.
 * IO shell: timers and the clock live here, the protocol in server/raft/.
 */
import type {
  InternalConnection,
  InternalSubscription,
} from "../../internal/internal_connection.ts";
import {
  type Entry,
  EntryType,
  type RaftNode,
  type RaftOutput,
  RaftState,
  type StateOutput,
} from "../../raft/mod.ts";

/** What the owner of a group gets from its host. */
export interface RaftHostOptions {
  /** An internal connection in the system account (it is closed with the host). */
  conn: InternalConnection;
  node: RaftNode;
  /** Applies committed entries in order; the host then calls `node.applied(index)`. */
  apply(index: number, entries: Entry[]): void;
  /** Role, term or leader changes. */
  state?(s: StateOutput): void;
  /** Called after each step's outputs were handled. */
  afterStep?(): void;
  /** The clock in ms (default `Date.now`). */
  now?: () => number;
}

/** One group member on the real clock and the system account (see the module doc). */
export class RaftHost {
  readonly node: RaftNode;
  readonly #o: RaftHostOptions;
  readonly #now: () => number;
  readonly #subs = new Map<string, InternalSubscription>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #stopped = false;

  constructor(o: RaftHostOptions) {
    this.#o = o;
    this.node = o.node;
    this.#now = o.now ?? Date.now;
  }

  /** Subscribes to the group's subjects and starts its timers. */
  start(): void {
    this.#run(this.node.start(this.#now()));
  }

  /**
   * Proposes `data` (through the leader when this member is not the leader); answers the
   * entry's index on the leader, 0 when forwarded.
   */
  propose(data: Uint8Array): number {
    const now = this.#now();
    if (this.node.state !== RaftState.Leader) {
      this.#run(this.node.forwardProposal(now, data));
      return 0;
    }
    this.#run(this.node.propose(now, data));
    return this.node.lastIndex;
  }

  /**
   * Proposes several entries as one append entry (on the leader): they share its log index
   * (as in raft.go, an index is one append entry), which is answered; 0 when this member is
   * not the leader (nothing is proposed).
   */
  proposeBatch(datas: Uint8Array[]): number {
    if (this.node.state !== RaftState.Leader || datas.length === 0) return 0;
    const entries = datas.map((data) => ({ type: EntryType.Normal, data }));
    const index = this.node.lastIndex + 1;
    this.#run(this.node.proposeEntries(this.#now(), entries));
    return index;
  }

  /** Runs a node command (campaign, membership) on the real clock. */
  command(f: (node: RaftNode, now: number) => RaftOutput[]): void {
    this.#run(f(this.node, this.#now()));
  }

  /** Asks this member to give up leadership (to `preferred` when given). */
  stepDown(preferred = ""): void {
    this.#run(this.node.stepDown(this.#now(), preferred));
  }

  /** Stops the timers and drops the subscriptions. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const sub of this.#subs.values()) sub.unsubscribe();
    this.#subs.clear();
    this.#o.conn.close();
  }

  #run(outputs: RaftOutput[]): void {
    if (this.#stopped) return;
    for (const out of outputs) {
      switch (out.kind) {
        case "send":
          this.#o.conn.publish(out.subject, out.data, out.reply === "" ? {} : { reply: out.reply });
          break;
        case "subscribe":
          if (!this.#subs.has(out.subject)) {
            this.#subs.set(
              out.subject,
              this.#o.conn.subscribe(out.subject, (m) => {
                this.#run(this.node.step(this.#now(), {
                  subject: m.subject,
                  reply: m.reply ?? "",
                  data: m.data,
                }));
              }),
            );
          }
          break;
        case "unsubscribe":
          this.#subs.get(out.subject)?.unsubscribe();
          this.#subs.delete(out.subject);
          break;
        case "apply":
          this.#o.apply(out.index, out.entries);
          this.node.applied(out.index);
          break;
        case "state":
          this.#o.state?.(out);
          break;
      }
    }
    this.#o.afterStep?.();
    this.#arm();
  }

  /** Keeps one timer, at the node's next deadline. */
  #arm(): void {
    if (this.#stopped) return;
    const at = this.node.nextDeadline();
    if (at === this.#timerAt && this.#timer !== undefined) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    if (!Number.isFinite(at)) {
      this.#timer = undefined;
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#run(this.node.tick(this.#now()));
    }, Math.max(0, at - this.#now()));
    Deno.unrefTimer(this.#timer as unknown as number);
  }
}

/**
 * @module
 * A small synchronous harness for the node tests: nodes share an instant, in-order network
 * (messages are delivered FIFO when `flush` runs), time moves only when `advance` is called,
 * and nodes can be cut off. Private to the raft tests.
 * PURE: no Deno APIs, timers or console output.
 */
import { MemoryLog } from "./log.ts";
import { RaftNode, type RaftOutput } from "./node.ts";
import type { ApplyOutput, RaftTiming, SendOutput } from "./core.ts";
import { prng } from "./_sim.ts";

/** One node with what it produced. */
export interface TestNode {
  node: RaftNode;
  log: MemoryLog;
  subjects: Set<string>;
  applied: ApplyOutput[];
  sent: SendOutput[];
  cut: boolean;
}

/** Ids used by the tests (8 characters). */
export const IDS = ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"];

/** A test group. */
export class Harness {
  now = 0;
  readonly nodes: TestNode[] = [];
  #queue: { from: number; msg: SendOutput }[] = [];
  readonly random: () => number;
  readonly group: string;

  constructor(
    size: number,
    options: { seed?: number; group?: string; observers?: number[]; timing?: Partial<RaftTiming> } =
      {},
  ) {
    this.random = prng(options.seed ?? 42);
    this.group = options.group ?? "G";
    const ids = IDS.slice(0, size);
    for (let i = 0; i < size; i++) {
      this.add(ids[i], ids, options.observers?.includes(i) ?? false, options.timing);
    }
  }

  /** Adds and starts a node (a new member when `peers` does not list it). */
  add(
    id: string,
    peers: string[],
    observer = false,
    timing?: Partial<RaftTiming>,
    log = new MemoryLog(),
  ): TestNode {
    const node = new RaftNode({
      group: this.group,
      id,
      peers,
      log,
      random: this.random,
      observer,
      timing,
    });
    const tn: TestNode = { node, log, subjects: new Set(), applied: [], sent: [], cut: false };
    this.nodes.push(tn);
    this.handle(tn, node.start(this.now));
    return tn;
  }

  handle(tn: TestNode, outputs: RaftOutput[]): void {
    for (const out of outputs) {
      if (out.kind === "subscribe") tn.subjects.add(out.subject);
      else if (out.kind === "unsubscribe") tn.subjects.delete(out.subject);
      else if (out.kind === "send") {
        tn.sent.push(out);
        this.#queue.push({ from: this.nodes.indexOf(tn), msg: out });
      } else if (out.kind === "apply") {
        tn.applied.push(out);
        tn.node.applied(out.index);
      }
    }
  }

  /** Delivers queued messages (and what they cause) in order. */
  flush(): void {
    while (this.#queue.length > 0) {
      const { from, msg } = this.#queue.shift()!;
      for (let to = 0; to < this.nodes.length; to++) {
        const tn = this.nodes[to];
        if (to === from || tn.cut || this.nodes[from].cut || !tn.subjects.has(msg.subject)) {
          continue;
        }
        this.handle(tn, tn.node.step(this.now, msg));
      }
    }
  }

  /** Moves time forward by `ms` in 5 ms steps, ticking due nodes and flushing. */
  advance(ms: number): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + 5);
      for (const tn of this.nodes) {
        if (!tn.cut && tn.node.nextDeadline() <= this.now) {
          this.handle(tn, tn.node.tick(this.now));
        }
      }
      this.flush();
    }
  }

  /** Advances until `done` or `limit` ms; returns whether it held. */
  until(done: () => boolean, limit = 30_000): boolean {
    const end = this.now + limit;
    while (this.now < end && !done()) this.advance(5);
    return done();
  }

  leader(): TestNode | undefined {
    return this.nodes.find((tn) => !tn.cut && tn.node.state === "LEADER");
  }

  /** Elects a leader, failing the test if none comes. */
  elect(): TestNode {
    if (!this.until(() => this.leader() !== undefined)) throw new Error("no leader");
    this.advance(50);
    return this.leader()!;
  }

  /** Normal payloads node `tn` applied, as text. */
  payloads(tn: TestNode): string[] {
    const out: string[] = [];
    for (const a of tn.applied) {
      for (const e of a.entries) if (e.type === 0) out.push(new TextDecoder().decode(e.data));
    }
    return out;
  }
}

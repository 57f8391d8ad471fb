/**
 * @module
 * Test-only harness for the consumer engine: a memory store, a recording output, a fake
 * interest table and a clock moved by hand.
 */
import { MemoryStore } from "../../store/memory_store.ts";
import { type ConsumerConfigLike, engineConfig } from "./config.ts";
import { ConsumerEngine, type ConsumerEntry, type EngineDeps } from "./engine.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One thing the engine sent. */
export interface Sent {
  subject: string;
  /** The subject the receiver sees (the stored message's, for deliveries). */
  shown: string;
  reply: string;
  header: string;
  data: string;
}

/** A consumer engine over a memory store with time passed by hand. */
export class Harness {
  readonly store = new MemoryStore();
  readonly sent: Sent[] = [];
  readonly advisories: { subject: string; body: Record<string, unknown> }[] = [];
  readonly streamAcks: number[] = [];
  readonly interest = new Set<string>();
  inactive = false;
  now = 1_000_000_000_000n;
  engine!: ConsumerEngine;

  /** Stores `n` messages on `subject` (payload "m<seq>"). */
  async publish(subject: string, n = 1, header: string | null = null): Promise<void> {
    for (let i = 0; i < n; i++) {
      const seq = this.store.state().lastSeq + 1;
      await this.store.storeMsg(
        subject,
        header === null ? null : enc.encode(header),
        enc.encode(`m${seq}`),
        this.now,
      );
      this.now += 1_000_000n;
      this.engine?.apply({ type: "stored", seq, subject }, this.now);
    }
  }

  /** Creates the engine. */
  open(cfg: Partial<ConsumerConfigLike>, extra: Partial<EngineDeps> = {}): ConsumerEngine {
    const full: ConsumerConfigLike = {
      deliver_policy: "all",
      ack_policy: "explicit",
      replay_policy: "instant",
      ...cfg,
    };
    const deps: EngineDeps = {
      store: this.store,
      consumerStore: this.store.consumerStore("C", {
        ackPolicy: full.ack_policy as "none" | "all" | "explicit",
      }),
      retention: "limits",
      hasInterest: (s) => this.interest.has(s),
      random: () => 0,
      rateBurst: 1024 * 1024,
      output: {
        send: (subject, reply, header, data, shown) => {
          this.sent.push({
            subject,
            shown: shown ?? subject,
            reply: String(reply),
            header: header === null ? "" : dec.decode(header),
            data: data === null ? "" : dec.decode(data),
          });
          return this.interest.has(subject);
        },
        streamAcked: (seq) => this.streamAcks.push(seq),
        advisory: (subject, body) => this.advisories.push({ subject, body }),
        inactive: () => this.inactive = true,
      },
      ...extra,
    };
    this.engine = new ConsumerEngine(engineConfig("S", "C", full), deps, this.now);
    this.engine.apply({ type: "stored" }, this.now);
    return this.engine;
  }

  apply(entry: ConsumerEntry): void {
    this.engine.apply(entry, this.now);
  }

  /** Moves the clock by `ms` and runs every timer due on the way, in order. */
  advance(ms: number): void {
    const end = this.now + BigInt(ms) * 1_000_000n;
    for (;;) {
      const at = this.engine.nextWakeup();
      if (at === null || at > end) break;
      if (at > this.now) this.now = at;
      this.engine.apply({ type: "tick" }, this.now);
    }
    this.now = end;
    this.engine.apply({ type: "tick" }, this.now);
  }

  /** Acks a delivery with `body` (its reply subject as the ack subject). */
  ack(delivery: Sent, body = "+ACK", reply = ""): void {
    this.engine.apply(
      { type: "ack", subject: delivery.reply, reply, body: enc.encode(body) },
      this.now,
    );
  }

  /** Sends a pull request from `reply` (registered as having interest). */
  pull(reply: string, body: string | Record<string, unknown> = ""): void {
    this.interest.add(reply);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    this.engine.apply({ type: "next", reply, body: text }, this.now);
  }

  /** Deliveries (messages with an ack reply) to `subject`, and clears nothing. */
  messagesTo(subject: string): Sent[] {
    return this.sent.filter((s) => s.subject === subject && s.reply.startsWith("$JS.ACK."));
  }

  statusesTo(subject: string): string[] {
    return this.sent.filter((s) => s.subject === subject && s.reply === "" && s.header !== "")
      .map((s) => s.header);
  }
}

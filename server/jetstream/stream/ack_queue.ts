/**
 * @module
 * The PubAck queue of one stream (nats-server 2.9.10 stream.go `processJetStreamMsg` answers
 * each publish in arrival order): every answer waits behind the earlier ones, and the answer of
 * a stored message waits until the store persisted it (for a file stream: the record reached the
 * OS). Answers that are ready go out together in one synchronous run, so a client gets all the
 * acks of a batch in one write: no per-ack `await` (which would let the end-of-turn flush run
 * between two acks). The ack bytes are built straight into a reusable buffer from a prefix
 * computed once per stream ({@link AckWriter}). Runs in the isolate that owns the stream.
 */
import type { ApiError } from "../api/errors.ts";
import { goJson, pubAckErrorBytes, storeFailedError } from "./inbound.ts";

/** Where answers go: `publish(reply, bytes)`; `bytes` is only valid during the call. */
/**
 * A persistence that rejects with this sends no answer at all (a replicated stream's leader
 * lost its leadership before the message was committed: the publisher retries, as with
 * nats-server).
 */
export class AnswerDropped extends Error {}

export interface AckSink {
  readonly closed: boolean;
  publish(subject: string, data: Uint8Array): unknown;
}

const State = { Pending: 0, Stored: 1, Failed: 2 } as const;
type State = typeof State[keyof typeof State];

const Kind = { Ok: 0, Duplicate: 1, Error: 2 } as const;
type Kind = typeof Kind[keyof typeof Kind];

/** One answer waiting for its turn. */
class AckJob {
  state: State;
  cause: unknown = undefined;
  constructor(
    readonly reply: string,
    readonly kind: Kind,
    readonly seq: number,
    readonly error: ApiError | null,
    pending: boolean,
  ) {
    this.state = pending ? State.Pending : State.Stored;
  }
}

const enc = new TextEncoder();
const DUPLICATE_TAIL = enc.encode(',"duplicate": true}');

/**
 * Writes nats-server's PubAck template (`{"stream":"S", "seq":5}`, with `"domain":"D", ` after
 * the stream when there is one, and `,"duplicate": true}` for a duplicate) into one reusable
 * buffer: the prefix is encoded once, the sequence digit by digit.
 *
 * @example
 * ```ts
 * import { AckWriter } from "./ack_queue.ts";
 * const w = new AckWriter("S", "hub");
 * const text = new TextDecoder().decode(w.ok(5, true));
 * if (text !== '{"stream":"S", "domain":"hub", "seq":5,"duplicate": true}') throw new Error(text);
 * ```
 */
export class AckWriter {
  readonly #prefix: Uint8Array;
  #buf: Uint8Array;

  constructor(stream: string, domain: string) {
    const head = domain === ""
      ? `{"stream":${goJson(stream)}, "seq":`
      : `{"stream":${goJson(stream)}, "domain":${goJson(domain)}, "seq":`;
    this.#prefix = enc.encode(head);
    this.#buf = new Uint8Array(this.#prefix.length + 16 + DUPLICATE_TAIL.length);
    this.#buf.set(this.#prefix);
  }

  /** The ack of `seq` (a view of the writer's buffer, valid until the next call). */
  ok(seq: number, duplicate = false): Uint8Array {
    const buf = this.#buf;
    let at = this.#prefix.length;
    if (seq === 0) buf[at++] = 48;
    else {
      let digits = 0;
      for (let v = seq; v > 0; v = Math.floor(v / 10)) digits++;
      at += digits;
      for (let v = seq, i = at - 1; v > 0; v = Math.floor(v / 10), i--) buf[i] = 48 + (v % 10);
    }
    if (duplicate) {
      buf.set(DUPLICATE_TAIL, at);
      at += DUPLICATE_TAIL.length;
    } else buf[at++] = 125; // }
    return buf.subarray(0, at);
  }
}

/** The answers of one stream, sent in arrival order (see the module doc). */
export class AckQueue {
  readonly #sink: AckSink;
  readonly #stream: string;
  readonly #writer: AckWriter;
  #jobs: AckJob[] = [];
  #head = 0;
  #sending = false;
  #idle: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(sink: AckSink, stream: string, domain: string) {
    this.#sink = sink;
    this.#stream = stream;
    this.#writer = new AckWriter(stream, domain);
  }

  /** Answers waiting. */
  get size(): number {
    return this.#jobs.length - this.#head;
  }

  /** The ack of a stored message, sent once `persisted` resolved (an error ack if it rejects). */
  stored(reply: string, seq: number, persisted: Promise<unknown>): void {
    const job = new AckJob(reply, Kind.Ok, seq, null, true);
    this.#jobs.push(job);
    persisted.then(
      () => {
        job.state = State.Stored;
        this.#sendReady();
      },
      (err) => {
        job.state = State.Failed;
        job.cause = err;
        this.#sendReady();
      },
    );
  }

  /** The ack of a duplicate of `seq` (after the earlier answers). */
  duplicate(reply: string, seq: number): void {
    this.#jobs.push(new AckJob(reply, Kind.Duplicate, seq, null, false));
    this.#sendReady();
  }

  /** An error answer (after the earlier answers). */
  error(reply: string, error: ApiError): void {
    this.#jobs.push(new AckJob(reply, Kind.Error, 0, error, false));
    this.#sendReady();
  }

  /** Resolves once every queued answer went out (or was dropped with a closed sink). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    if (this.#idle === null) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#idle = { promise, resolve };
    }
    return this.#idle.promise;
  }

  /** Sends every answer from the head that is ready, in order. */
  #sendReady(): void {
    if (this.#sending) return; // a publish that re-entered: the outer loop goes on
    this.#sending = true;
    try {
      const jobs = this.#jobs;
      while (this.#head < jobs.length) {
        const job = jobs[this.#head];
        if (job.state === State.Pending) break;
        this.#head++;
        const sink = this.#sink;
        if (sink.closed) continue;
        // A replicated message whose leader stepped down before its group committed it.
        if (job.state === State.Failed && job.cause instanceof AnswerDropped) continue;
        sink.publish(job.reply, this.#bytesOf(job));
      }
      if (this.#head === jobs.length) {
        this.#jobs = [];
        this.#head = 0;
        const idle = this.#idle;
        this.#idle = null;
        idle?.resolve();
      } else if (this.#head >= 1024 && this.#head * 2 >= jobs.length) {
        this.#jobs = jobs.slice(this.#head);
        this.#head = 0;
      }
    } finally {
      this.#sending = false;
    }
  }

  #bytesOf(job: AckJob): Uint8Array {
    if (job.state === State.Failed) {
      return pubAckErrorBytes(this.#stream, storeFailedError(job.cause));
    }
    switch (job.kind) {
      case Kind.Ok:
        return this.#writer.ok(job.seq);
      case Kind.Duplicate:
        return this.#writer.ok(job.seq, true);
      default:
        return pubAckErrorBytes(this.#stream, job.error!);
    }
  }
}

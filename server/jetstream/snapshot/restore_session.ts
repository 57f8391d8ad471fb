/**
 * @module
 * Receiving a restore's chunks (nats-server 2.9.10 jetstream_api.go `processStreamRestore`):
 * one internal subscription on `$JS.SNAPSHOT.RESTORE.<stream>.<nuid>`; every chunk must carry
 * a reply subject and is acked there with an empty message; an empty message ends the upload
 * and its reply gets the final answer (the stream info, or the restore error). A chunk without
 * a reply ends the restore with no answer (nats-server only warns); a total the server's
 * storage cannot hold answers `insufficient resources`; 5 s without a chunk ends the restore
 * silently. Runs in the isolate that owns the streams (timers).
 */
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import { type ApiError, jsApiError } from "../api/errors.ts";
import { marshal } from "../../monitor/format.ts";

/** jetstream_api.go processStreamRestore activityInterval. */
export const RESTORE_INACTIVITY_MS = 5000;

/** What a session needs. */
export interface RestoreSessionOptions {
  conn: InternalConnection;
  subject: string;
  account: string;
  stream: string;
  /** js.wouldExceedLimits(FileStorage, total). */
  wouldExceedLimits(total: number): boolean;
  /**
   * Builds the final answer from the uploaded bytes, or from the error that ended it; `total`
   * is the bytes received.
   */
  finish(
    result: { archive: Uint8Array } | { error: ApiError | Error },
    total: number,
  ): Promise<Record<string, unknown>>;
  warn(text: string): void;
  /** Called once the session is over (answered, failed or stalled). */
  closed(): void;
  /** Inactivity limit (tests shorten it). */
  inactivityMs?: number;
}

/** One restore upload (see the module doc). */
export class RestoreSession {
  readonly #o: RestoreSessionOptions;
  readonly #chunks: Uint8Array[] = [];
  #total = 0;
  #done = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(o: RestoreSessionOptions) {
    this.#o = o;
    o.conn.subscribe(o.subject, (msg) => this.#onChunk(msg));
    this.#arm();
  }

  /** Bytes received so far. */
  get total(): number {
    return this.#total;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#end(), this.#o.inactivityMs ?? RESTORE_INACTIVITY_MS);
    // An abandoned upload does not keep a stopping server alive.
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#o.conn.close();
    this.#o.closed();
  }

  #onChunk(msg: InternalMsg): void {
    if (this.#done) return;
    const { account, stream } = this.#o;
    const reply = msg.reply;
    if (reply === "") {
      const text =
        `restore for stream '${account} > ${stream}' requires reply subject for each chunk`;
      this.#answer("", { error: new Error(text) });
      return;
    }
    const data = msg.data;
    if (data.length === 0) {
      const archive = new Uint8Array(this.#total);
      let at = 0;
      for (const c of this.#chunks) {
        archive.set(c, at);
        at += c.length;
      }
      this.#chunks.length = 0;
      this.#answer(reply, { archive });
      return;
    }
    this.#total += data.length;
    if (this.#o.wouldExceedLimits(this.#total)) {
      this.#o.warn("JetStream resource limits exceeded for server");
      this.#answer(reply, { error: jsApiError("JSInsufficientResourcesErr") });
      return;
    }
    this.#chunks.push(data.slice());
    this.#arm();
    this.#o.conn.publish(reply, new Uint8Array(0));
  }

  /** Stops listening, builds the answer and sends it to `reply` (none when empty). */
  #answer(
    reply: string,
    result: { archive: Uint8Array } | { error: ApiError | Error },
  ): void {
    this.#done = true;
    clearTimeout(this.#timer);
    const conn = this.#o.conn;
    for (const sub of [...conn.subscriptions()]) sub.unsubscribe();
    this.#o.finish(result, this.#total)
      .then((response) => {
        if (reply !== "" && !conn.closed) conn.publish(reply, marshal(response));
      })
      .catch(() => {})
      .finally(() => {
        conn.close();
        this.#o.closed();
      });
  }
}

/**
 * @module
 * Requests of one internal connection: one wildcard inbox subscription (`_INBOX.<id>.*`, made
 * on the first request) shared by every request, a token per request, a timer per request and
 * the errors a request ends with ({@link RequestError}: timeout, no responders, closed).
 * Runs in the isolate that owns the connections.
 */
import type { InternalMsg } from "./internal_msg.ts";
import { randomBase62 } from "../protocol/base62.ts";

/** Why a request failed. */
export const RequestErrorCode = {
  /** No reply within `timeoutMs`. */
  Timeout: "TIMEOUT",
  /** Nothing received the request (or a `503` status came back). */
  NoResponders: "NO_RESPONDERS",
  /** The connection closed while waiting. */
  Closed: "CLOSED",
} as const;
export type RequestErrorCode = typeof RequestErrorCode[keyof typeof RequestErrorCode];

/** A failed request; `code` says why. */
export class RequestError extends Error {
  override name = "RequestError";
  readonly code: RequestErrorCode;

  constructor(code: RequestErrorCode, subject: string) {
    const what = code === RequestErrorCode.Timeout
      ? "timed out"
      : code === RequestErrorCode.NoResponders
      ? "found no responders"
      : "was cut by the connection closing";
    super(`request on "${subject}" ${what}`);
    this.code = code;
  }
}

interface Pending {
  subject: string;
  resolve(m: InternalMsg): void;
  reject(e: RequestError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** 22 random base-62 characters (a NUID-sized inbox id). */
export function randomId(): string {
  return randomBase62();
}

/** The open requests of one connection, keyed by the last token of their reply subject. */
export class RequestInbox {
  /** `_INBOX.<id>.`: every reply subject starts with it. */
  readonly prefix: string = `_INBOX.${randomId()}.`;
  readonly #pending = new Map<string, Pending>();
  #next = 1;

  /** Number of requests waiting (tests). */
  get size(): number {
    return this.#pending.size;
  }

  /** Registers a request on `subject`; returns its reply subject and the promise of the reply. */
  open(subject: string, timeoutMs: number): { reply: string; done: Promise<InternalMsg> } {
    const token = String(this.#next++);
    const done = new Promise<InternalMsg>((resolve, reject) => {
      const timer = setTimeout(
        () => this.#fail(token, RequestErrorCode.Timeout),
        Math.max(0, timeoutMs),
      );
      this.#pending.set(token, { subject, resolve, reject, timer });
    });
    return { reply: this.prefix + token, done };
  }

  /** A message on the inbox: settles its request (a bare `503` status means no responders). */
  deliver(m: InternalMsg): void {
    const token = m.subject.slice(this.prefix.length);
    const p = this.#pending.get(token);
    if (p === undefined) return;
    if (m.data.length === 0 && m.rawHeaders !== null && m.headers?.status === 503) {
      this.#fail(token, RequestErrorCode.NoResponders);
      return;
    }
    this.#pending.delete(token);
    clearTimeout(p.timer);
    p.resolve(m);
  }

  /** The router found nobody for a request whose reply is `reply`. */
  noResponders(reply: string): void {
    if (reply.startsWith(this.prefix)) {
      this.#fail(reply.slice(this.prefix.length), RequestErrorCode.NoResponders);
    }
  }

  /** Fails every open request (the connection closed). */
  closeAll(): void {
    for (const token of [...this.#pending.keys()]) this.#fail(token, RequestErrorCode.Closed);
  }

  #fail(token: string, code: RequestErrorCode): void {
    const p = this.#pending.get(token);
    if (p === undefined) return;
    this.#pending.delete(token);
    clearTimeout(p.timer);
    p.reject(new RequestError(code, p.subject));
  }
}

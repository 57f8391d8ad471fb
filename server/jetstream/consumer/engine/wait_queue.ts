/**
 * @module
 * The waiting pull requests of a pull consumer (nats-server 2.9.10 consumer.go `waitQueue`):
 * a FIFO bounded by `max_waiting` where each delivery takes one from the head request, which
 * then goes to the back of the queue while it still wants more (requests are served round
 * robin, one message at a time).
 * PURE: no Deno APIs, timers or console output.
 */

/** One waiting pull request (nats-server `waitingRequest`). Times are ns. */
export interface WaitingRequest {
  /** Where its messages and statuses go. */
  reply: string;
  /** Messages it still wants. */
  n: number;
  /** Messages delivered to it. */
  d: number;
  /** Bytes it may still take (0 = no max_bytes). */
  b: number;
  /** Absolute expiry (0n = none). */
  expires: bigint;
  received: bigint;
  /** Heartbeat interval (0n = none) and when the next one is due. */
  hb: bigint;
  hbt: bigint;
  noWait: boolean;
}

/** A FIFO of waiting requests with at most `max` entries. */
export class WaitQueue {
  readonly max: number;
  #reqs: WaitingRequest[] = [];
  /** Last activity (a request received, a delivery, an ack) for the inactive threshold. */
  last = 0n;

  constructor(max: number) {
    this.max = max;
  }

  get length(): number {
    return this.#reqs.length;
  }

  isEmpty(): boolean {
    return this.#reqs.length === 0;
  }

  isFull(): boolean {
    return this.#reqs.length >= this.max;
  }

  /** Adds at the back; false when full. Marks activity. */
  add(wr: WaitingRequest): boolean {
    if (this.isFull()) return false;
    this.#reqs.push(wr);
    this.last = wr.received;
    return true;
  }

  peek(): WaitingRequest | undefined {
    return this.#reqs[0];
  }

  /**
   * Takes one message's worth from the head request: counts it, and moves the request to
   * the back when it wants more (and others wait), or drops it when done.
   */
  pop(): WaitingRequest | undefined {
    const wr = this.#reqs[0];
    if (wr === undefined) return undefined;
    wr.d++;
    wr.n--;
    if (wr.n > 0 && this.#reqs.length > 1) {
      this.#reqs.shift();
      this.#reqs.push(wr);
    } else if (wr.n <= 0) {
      this.#reqs.shift();
    }
    return wr;
  }

  /** Drops the head request. */
  removeHead(): void {
    this.#reqs.shift();
  }

  /** Keeps only the requests `keep` accepts, in order. */
  filter(keep: (wr: WaitingRequest) => boolean): void {
    this.#reqs = this.#reqs.filter(keep);
  }

  /** Removes and returns every request. */
  drain(): WaitingRequest[] {
    const all = this.#reqs;
    this.#reqs = [];
    return all;
  }

  /** The requests in order (a copy). */
  all(): WaitingRequest[] {
    return [...this.#reqs];
  }
}

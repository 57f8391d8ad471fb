/**
 * @module
 * A token bucket like Go's `golang.org/x/time/rate.Limiter` as nats-server uses it for a
 * consumer's `rate_limit_bps` (rate = bps/8 bytes a second, burst = the stream's max message
 * size, else the account's or server's max payload): reserving n bytes returns how long to
 * wait before sending.
 * PURE: no Deno APIs, timers or console output.
 */

/** Reserves bytes at a steady rate with a burst allowance. Times are ns. */
export class RateLimiter {
  readonly bytesPerSecond: number;
  readonly burst: number;
  #tokens: number;
  #last: bigint;

  constructor(bitsPerSecond: number, burst: number, now: bigint) {
    this.bytesPerSecond = Math.max(1, Math.floor(bitsPerSecond / 8));
    this.burst = Math.max(1, burst);
    this.#tokens = this.burst;
    this.#last = now;
  }

  /** Takes `n` bytes now; returns the delay in ns before they may be sent (0n: now). */
  reserve(n: number, now: bigint): bigint {
    if (now > this.#last) {
      const elapsed = Number(now - this.#last) / 1e9;
      this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.bytesPerSecond);
      this.#last = now;
    }
    // Go refuses a reservation above the burst (and would wait forever); take the burst.
    this.#tokens -= Math.min(n, this.burst);
    if (this.#tokens >= 0) return 0n;
    return BigInt(Math.ceil((-this.#tokens / this.bytesPerSecond) * 1e9));
  }
}

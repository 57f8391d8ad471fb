/**
 * @module
 * Time for connections: the current time and one-shot timers behind an interface, so the
 * connection core and the link protocol handlers stay pure (tests may pass a fake clock).
 */

/** Cancels a timer set with {@link Clock.after}. */
export interface TimerHandle {
  cancel(): void;
}

/** The current time and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch, fractional. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds unless cancelled. */
  after(ms: number, fn: () => void): TimerHandle;
}

/**
 * The real clock: `performance` time and `setTimeout`.
 *
 * @example
 * ```ts
 * import { systemClock } from "./clock.ts";
 * const t = systemClock.after(10_000, () => {});
 * t.cancel();
 * if (Math.abs(systemClock.now() - Date.now()) > 1000) throw new Error("not epoch time");
 * ```
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  after(ms, fn) {
    const id = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(id) };
  },
};

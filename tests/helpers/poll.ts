/**
 * @module
 * Polling with a deadline, the tests' only way to wait for eventual state (no bare sleeps).
 * Runs in the test isolate.
 */

/** Error thrown when a polled condition is still false at its deadline. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `cond` until it returns a truthy value, then returns that value; throws
 * {@link TimeoutError} when `timeoutMs` elapses first. Errors thrown by `cond` propagate.
 *
 * @example
 * ```ts
 * import { waitFor } from "./poll.ts";
 * let n = 0;
 * const value = await waitFor(() => ++n >= 3 && n, 1000);
 * if (value !== 3) throw new Error("unexpected");
 * ```
 */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  timeoutMs = 2000,
  message = "condition",
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let pause = 1;
  for (;;) {
    const value = await cond();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) {
      throw new TimeoutError(`${message} not met within ${timeoutMs}ms`);
    }
    await delay(pause);
    pause = Math.min(pause * 2, 25);
  }
}

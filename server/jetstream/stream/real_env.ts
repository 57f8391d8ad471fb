/**
 * @module
 * The real clock and timers of streams: wall-clock nanoseconds (milliseconds since the epoch
 * with the sub-millisecond part of the monotonic clock) and unref'd timeouts, so a pending
 * max_age or duplicate-window timer never keeps the process alive. IO shell.
 */
import { preciseNow } from "../../monitor/format.ts";
import type { StreamEnv } from "./stream.ts";

/** Wall clock and `setTimeout` (unref'd). */
export const realStreamEnv: StreamEnv = {
  now: () => BigInt(Math.round(preciseNow() * 1_000_000)),
  setTimer(ms, cb) {
    const id = setTimeout(cb, ms);
    Deno.unrefTimer(id);
    return () => clearTimeout(id);
  },
};

/**
 * @module
 * The ack-wait check of nats-server 2.9.10 consumer.go `checkPending`: which delivered,
 * unacknowledged messages are due for redelivery (ack_wait, or the `backoff` step for their
 * delivery count), which fell below the stream's first sequence, and when to check next.
 * PURE: no Deno APIs, timers or console output.
 */
import type { PendingEntry } from "../../store/types.ts";

/** nats-server ackWaitDelay: 1ms added to each timer so bursts share one check. */
export const ACK_WAIT_DELAY = 1_000_000n;

/** What one check found. */
export interface PendingCheck {
  /** Due for redelivery, ascending stream sequence (not already queued). */
  expired: number[];
  /** Below the stream's first sequence: no longer pending. */
  gone: number[];
  /** Delay until the next check (ns), already including {@link ACK_WAIT_DELAY}. */
  next: bigint;
}

/**
 * Checks `pending` at `now`: `redelivered` holds redelivery counts, `queued` the sequences
 * already waiting for redelivery, `firstSeq` the stream's first sequence.
 */
export function checkPending(
  pending: ReadonlyMap<number, PendingEntry>,
  redelivered: ReadonlyMap<number, number>,
  queued: ReadonlySet<number>,
  ackWait: bigint,
  backoff: readonly bigint[],
  firstSeq: number,
  now: bigint,
): PendingCheck {
  let next = ackWait + ACK_WAIT_DELAY;
  if (backoff.length > 0) next = backoff[backoff.length - 1];
  const expired: number[] = [];
  const gone: number[] = [];
  for (const [seq, p] of pending) {
    if (seq < firstSeq) {
      gone.push(seq);
      continue;
    }
    const elapsed = now - p.timestamp;
    let deadline = ackWait;
    if (backoff.length > 0) {
      let dc = redelivered.get(seq) ?? 0;
      let nbi = dc + 1;
      if (dc + 1 >= backoff.length) {
        dc = backoff.length - 1;
        nbi = dc;
      }
      deadline = backoff[dc];
      if (backoff[nbi] < next) next = backoff[nbi];
    }
    if (elapsed >= deadline) {
      if (!queued.has(seq)) expired.push(seq);
    } else if (deadline - elapsed < next) {
      next = deadline - elapsed;
    }
  }
  expired.sort((a, b) => a - b);
  return { expired, gone, next: next + ACK_WAIT_DELAY };
}

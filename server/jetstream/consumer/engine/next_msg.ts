/**
 * @module
 * Which message a consumer delivers next (nats-server 2.9.10 consumer.go `getNextMsg`):
 * redeliveries first (with the `max_deliver` advisory when one runs out of deliveries), then
 * the sequences left of a deliver-last-per-subject start, then the stream from the next
 * sequence, unless `max_ack_pending` is reached. A function over a {@link ConsumerEngine},
 * called from its delivery pass.
 * PURE: no Deno APIs, timers or console output.
 */
import { isStoreError, StoreErrorCode } from "../../store/types.ts";
import type { StoredMsg } from "../../store/types.ts";
import type { ConsumerEngine } from "./engine.ts";

/** A message to deliver with its delivery count, or why there is none now. */
export type NextMsg = { msg: StoredMsg; dc: number } | "wait" | "maxAckPending";

/** nats-server getNextMsg: redeliveries first, then the skip list, then the stream. */
export function getNextMsg(o: ConsumerEngine): NextMsg {
  const { store } = o.deps;
  while (o.rdq.length > 0) {
    const seq = o.rdq.shift()!;
    o.rdqi.delete(seq);
    const dc = (o.rdc.get(seq) ?? 0) + 1 + 1;
    o.rdc.set(seq, dc - 1);
    const max = o.config.maxDeliver;
    if (max > 0 && dc > max) {
      if (dc === max + 1) {
        o.deps.output.advisory(
          `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${o.config.stream}.${o.config.name}`,
          {
            type: "io.nats.jetstream.advisory.v1.max_deliver",
            stream: o.config.stream,
            consumer: o.config.name,
            stream_seq: seq,
            deliveries: dc - 1,
          },
        );
      }
      o.pending.delete(seq);
      continue;
    }
    try {
      return { msg: store.loadMsg(seq, true), dc };
    } catch {
      // Gone from the stream: nothing to redeliver.
      o.pending.delete(seq);
      o.rdc.delete(seq);
    }
  }
  let seq = o.sseq;
  if (o.lss !== null && o.lss.seqs.length > 0) {
    seq = o.lss.seqs[0];
    if (o.lss.seqs.length === 1) {
      o.sseq = o.lss.resume;
      o.lss = null;
    } else o.lss.seqs.shift();
  }
  const maxp = o.config.maxAckPending;
  if (maxp > 0 && o.config.ackPolicy !== "none" && o.pending.size >= maxp) {
    return "maxAckPending";
  }
  try {
    // Borrowed bytes: delivered (copied by the receivers) in this pass, or copied when parked.
    const msg = store.loadNextMsg(o.config.filterSubject, o.config.filterWildcard, seq, true);
    if (msg.seq >= o.sseq) o.sseq = msg.seq + 1;
    return { msg, dc: 1 };
  } catch (e) {
    if (isStoreError(e, StoreErrorCode.EOF)) {
      const last = store.state().lastSeq;
      if (last >= o.sseq) o.sseq = last + 1;
    }
    return "wait";
  }
}

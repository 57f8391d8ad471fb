/**
 * @module
 * What consumer info reports of the engine, computed as nats-server 2.9.10
 * `infoWithSnapAndReply` does: delivered and ack floor sequences (with their last activity),
 * messages awaiting ack, redelivered, waiting pull requests (after dropping expired ones) and
 * messages left in the stream for the consumer.
 * PURE: no Deno APIs, timers or console output.
 */
import type { ConsumerEngine } from "./engine.ts";
import { processWaiting } from "./pull.ts";

/** The counts consumer info reports, computed as nats-server's `infoWithSnapAndReply`. */
export interface EngineInfo {
  delivered: { consumer_seq: number; stream_seq: number; last_active?: bigint };
  ack_floor: { consumer_seq: number; stream_seq: number; last_active?: bigint };
  num_ack_pending: number;
  num_redelivered: number;
  num_waiting: number;
  num_pending: number;
  push_bound: boolean;
}

/** Consumer info counts at `now` (nats-server infoWithSnapAndReply). */
export function engineInfo(o: ConsumerEngine, now: bigint): EngineInfo {
  const out: EngineInfo = {
    delivered: { consumer_seq: o.dseq - 1, stream_seq: o.sseq - 1 },
    ack_floor: { consumer_seq: o.adflr, stream_seq: o.asflr },
    num_ack_pending: o.pending.size,
    num_redelivered: o.rdc.size,
    num_waiting: 0,
    num_pending: o.streamNumPending(),
    push_bound: !o.isPull && o.active,
  };
  if (o.ldt !== 0n) out.delivered.last_active = o.ldt;
  if (o.lat !== 0n) out.ack_floor.last_active = o.lat;
  if (o.waiting) {
    processWaiting(o, false, now);
    out.num_waiting = o.waiting.length;
  }
  return out;
}

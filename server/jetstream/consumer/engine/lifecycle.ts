/**
 * @module
 * The consumer engine's state transitions that work on its whole state (nats-server 2.9.10
 * consumer.go `selectStartingSeqNo`, `applyState`, `checkPending`, `writeStoreState`, `purge`,
 * `forceExpirePending`): functions over a {@link ConsumerEngine}, called from its `apply`.
 * PURE: no Deno APIs, timers or console output.
 */
import type { ConsumerStore } from "../../store/types.ts";
import type { ConsumerEngine } from "./engine.ts";
import { ACK_WAIT_DELAY, checkPending } from "./redelivery.ts";

/** nats-server applyState: resumes from a consumer store that has state. */
export function restoreState(o: ConsumerEngine, cs: ConsumerStore, now: bigint): void {
  const st = cs.state();
  o.sseq = Math.max(o.sseq, st.delivered.streamSeq + 1);
  o.dseq = st.delivered.consumerSeq + 1;
  o.adflr = st.ackFloor.consumerSeq;
  o.asflr = st.ackFloor.streamSeq;
  o.pending = st.pending;
  o.rdc = st.redelivered;
  const last = o.deps.store.state().lastSeq;
  for (const seq of [...o.rdc.keys()]) {
    if (seq < o.asflr || (last > 0 && seq > last)) o.rdc.delete(seq);
  }
  if (o.pending.size > 0) {
    // nats-server checks restored pending after 500ms-1.5s, or sooner with a short ack_wait.
    let delay = 500_000_000n + BigInt(Math.floor(o.deps.random() * 1000)) * 1_000_000n;
    if (o.config.ackWait < delay) delay = o.config.ackWait + ACK_WAIT_DELAY;
    o.pendingAt = now + delay;
  }
}

/** nats-server selectStartingSeqNo: where a new consumer starts, by deliver policy. */
export function selectStartingSeq(o: ConsumerEngine): void {
  const { store } = o.deps;
  const c = o.config;
  const state = store.state();
  if (c.optStartSeq === 0) {
    if (c.deliverPolicy === "all") o.sseq = state.firstSeq;
    else if (c.deliverPolicy === "last") {
      o.sseq = state.lastSeq;
      if (c.filterSubject !== "") o.sseq = store.filteredState(1, c.filterSubject).last;
    } else if (c.deliverPolicy === "last_per_subject") {
      const mss = store.subjectsState(c.filterSubject);
      if (mss.size > 0) {
        const seqs = [...mss.values()].map((s) => s.last).sort((a, b) => a - b);
        o.lss = { resume: state.lastSeq, seqs };
        o.sseq = seqs[0];
      } else o.sseq = state.lastSeq;
    } else if (c.optStartTime !== 0n) o.sseq = store.getSeqFromTime(c.optStartTime);
    else o.sseq = state.lastSeq + 1;
  } else o.sseq = c.optStartSeq;
  if (state.firstSeq === 0) o.sseq = 1;
  else if (o.sseq < state.firstSeq) o.sseq = state.firstSeq;
  else if (o.sseq > state.lastSeq) o.sseq = state.lastSeq + 1;
  o.dseq = 1;
  o.adflr = 0;
  o.asflr = o.sseq - 1;
  if (o.sseq > 0) {
    try {
      o.deps.consumerStore?.setStarting(o.sseq - 1);
    } catch { /* closed store */ }
  }
}

/** nats-server checkPending: queues what is due for redelivery, arms the next check. */
export function checkPendingNow(o: ConsumerEngine, now: bigint): void {
  const firstSeq = o.deps.store.state().firstSeq;
  const r = checkPending(
    o.pending,
    o.rdc,
    o.rdqi,
    o.config.ackWait,
    o.config.backoff,
    firstSeq,
    now,
  );
  for (const seq of r.gone) {
    o.pending.delete(seq);
    o.rdc.delete(seq);
    o.removeFromRedeliverQueue(seq);
  }
  if (r.expired.length > 0) {
    o.addToRedeliverQueue(...r.expired);
    // Timestamps move forward by the same offset so redeliveries keep their order.
    const off = now - o.pending.get(r.expired[0])!.timestamp;
    for (const seq of r.expired) {
      const p = o.pending.get(seq);
      if (p) p.timestamp += off;
    }
  }
  o.pendingAt = o.pending.size > 0 ? now + r.next : 0n;
  if (r.gone.length > 0) writeState(o);
}

/** nats-server writeStoreState: the whole state to the consumer store. */
export function writeState(o: ConsumerEngine): void {
  const cs = o.deps.consumerStore;
  if (cs === null) return;
  try {
    cs.update({
      delivered: { consumerSeq: o.dseq - 1, streamSeq: o.sseq - 1 },
      ackFloor: { consumerSeq: o.adflr, streamSeq: o.asflr },
      pending: o.pending,
      redelivered: o.rdc,
    });
  } catch { /* ignored like nats-server */ }
}

/** nats-server consumer.purge: what was purged is neither pending nor to be delivered. */
export function purge(o: ConsumerEngine, firstSeq: number, lastSeq: number): void {
  const sseq = firstSeq === 0 ? lastSeq + 1 : firstSeq;
  if (o.sseq < sseq) o.sseq = sseq;
  if (o.asflr < sseq) {
    o.asflr = sseq - 1;
    if (o.dseq > 0) o.adflr = o.dseq - 1;
  }
  o.pending = new Map();
  const rdq = o.rdq;
  o.rdq = [];
  o.rdqi = new Set();
  o.addToRedeliverQueue(...rdq.filter((s) => s >= o.sseq));
  writeState(o);
}

/** nats-server forceExpirePending: every pending message is redelivered now. */
export function forceExpirePending(o: ConsumerEngine, now: bigint): void {
  const expired = [...o.pending.keys()].filter((s) => !o.rdqi.has(s)).sort((a, b) => a - b);
  if (expired.length === 0) return;
  o.addToRedeliverQueue(...expired);
  const off = now - o.pending.get(expired[0])!.timestamp;
  for (const seq of expired) o.pending.get(seq)!.timestamp += off;
  o.pendingAt = now + o.config.ackWait + ACK_WAIT_DELAY;
}

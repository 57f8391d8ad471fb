/**
 * @module
 * Ack processing of nats-server 2.9.10 consumer.go (`processAck`, `processAckMsg`,
 * `processNak`, `processTerm`, `progressUpdate`): `+ACK`/`+OK`/empty acknowledge, `+NXT`
 * acknowledges and asks for more, `-NAK` (optionally with `{"delay":ns}` or a Go duration)
 * redelivers, `+WPI` restarts the ack wait, `+TERM` stops redelivery; an ack sent as a request
 * (with a reply subject) is confirmed with an empty message.
 * PURE: no Deno APIs, timers or console output.
 */
import { parseGoDuration } from "../../../config/duration.ts";
import { goQuote } from "../../../protocol/wire_errors.ts";
import { AckKind, classifyAck, parseAckSeqs } from "./ack.ts";
import type { ConsumerEngine } from "./engine.ts";
import { processNextRequest } from "./pull.ts";

const EMPTY = new Uint8Array(0);

/** Applies one ack message received on `subject` (its reply subject is `reply`). */
export function applyAck(
  o: ConsumerEngine,
  subject: string,
  reply: string,
  body: Uint8Array,
  now: bigint,
): void {
  const { streamSeq: sseq, consumerSeq: dseq, deliveries: dc } = parseAckSeqs(subject);
  let skipReply = sseq === 0;
  const ack = classifyAck(body);
  switch (ack.kind) {
    case AckKind.Ack:
      ackMsg(o, sseq, dseq, dc, true, now);
      break;
    case AckKind.Next:
      ackMsg(o, sseq, dseq, dc, true, now);
      processNextRequest(o, reply, ack.arg, now);
      skipReply = true;
      break;
    case AckKind.Nak:
      nak(o, sseq, dseq, dc, ack.arg, now);
      break;
    case AckKind.Progress:
      progress(o, sseq, now);
      break;
    case AckKind.Term:
      term(o, sseq, dseq, dc, now);
      break;
    case AckKind.Unknown:
      break;
  }
  if (reply === "" || skipReply) return;
  const out = o.deps.output;
  if (out.confirm !== undefined) out.confirm(reply);
  else out.send(reply, "", null, EMPTY);
}

function event(o: ConsumerEngine, type: string, fields: Record<string, unknown>) {
  return { type, stream: o.config.stream, consumer: o.config.name, ...fields };
}

/** nats-server processAckMsg. */
export function ackMsg(
  o: ConsumerEngine,
  sseq: number,
  dseq: number,
  dc: number,
  sample: boolean,
  now: bigint,
): void {
  // Limits retention removes nothing on acks: no list of acked sequences is kept then.
  const acked: number[] | null = o.deps.retention === "limits" ? null : [];
  switch (o.config.ackPolicy) {
    case "explicit": {
      const p = o.pending.get(sseq);
      if (p) {
        if (sample) sampleAck(o, sseq, dseq, dc, p.timestamp, now);
        o.pending.delete(sseq);
        dseq = p.sequence;
      }
      if (o.pending.size === 0) {
        o.adflr = o.dseq - 1;
        o.asflr = o.sseq - 1;
      } else if (dseq === o.adflr + 1) {
        o.adflr = dseq;
        o.asflr = sseq;
        for (let ss = sseq + 1; ss < o.sseq; ss++) {
          const next = o.pending.get(ss);
          if (next) {
            if (next.sequence > 0) {
              o.adflr = next.sequence - 1;
              o.asflr = ss - 1;
            }
            break;
          }
        }
      }
      o.rdc.delete(sseq);
      o.removeFromRedeliverQueue(sseq);
      acked?.push(sseq);
      break;
    }
    case "all": {
      if (dseq <= o.adflr || sseq <= o.asflr) return;
      const gap = sseq - o.asflr;
      o.adflr = dseq;
      o.asflr = sseq;
      for (let seq = sseq; seq > sseq - gap; seq--) {
        o.pending.delete(seq);
        o.rdc.delete(seq);
        o.removeFromRedeliverQueue(seq);
        acked?.push(seq);
      }
      break;
    }
    case "none":
      return;
  }
  o.storeAcks(dseq, sseq, now);
  if (acked !== null) {
    for (const seq of acked) o.deps.output.streamAcked(seq);
  }
}

function sampleAck(
  o: ConsumerEngine,
  sseq: number,
  dseq: number,
  dc: number,
  delivered: bigint,
  now: bigint,
): void {
  const freq = o.config.sampleFreq;
  if (freq <= 0) return;
  if (freq < 100 && Math.floor(o.deps.random() * 100) > freq) return;
  o.deps.output.advisory(
    `$JS.EVENT.METRIC.CONSUMER.ACK.${o.config.stream}.${o.config.name}`,
    event(o, "io.nats.jetstream.metric.v1.consumer_ack", {
      consumer_seq: dseq,
      stream_seq: sseq,
      ack_time: Number(now - delivered),
      deliveries: dc,
    }),
  );
}

/** nats-server processNak. */
function nak(o: ConsumerEngine, sseq: number, dseq: number, dc: number, arg: string, now: bigint) {
  if (dseq <= o.adflr || dseq > o.dseq) return;
  if (o.pending.size > 0 && !o.pending.has(sseq)) return;
  o.deps.output.advisory(
    `$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.${o.config.stream}.${o.config.name}`,
    event(o, "io.nats.jetstream.advisory.v1.nak", {
      consumer_seq: dseq,
      stream_seq: sseq,
      deliveries: dc,
    }),
  );
  const text = arg.trim();
  if (text !== "") {
    const delay = parseNakDelay(text);
    if (delay === null) o.deps.output.warn?.(`bad NAK delay value: ${goQuote(text)}`);
    else {
      o.removeFromRedeliverQueue(sseq);
      const p = o.pending.get(sseq);
      if (p) {
        // now - ack_wait is "expired now"; the delay counts from there.
        p.timestamp = now - o.config.ackWait + delay;
        o.storeDelivered(p.sequence, sseq, dc, p.timestamp, now);
        o.checkPendingWithin(10_000_000n, now);
      }
      return;
    }
  }
  if (!o.rdqi.has(sseq)) o.addToRedeliverQueue(sseq);
}

/** `{"delay": ns}` or a Go duration; null when it does not parse (a plain NAK). */
export function parseNakDelay(text: string): bigint | null {
  if (text[0] === "{") {
    try {
      const v = JSON.parse(text) as { delay?: unknown };
      if (v === null || typeof v !== "object") return null;
      const d = v.delay;
      if (d === undefined) return 0n;
      if (typeof d !== "number" || !Number.isInteger(d)) return null;
      return BigInt(d);
    } catch {
      return null;
    }
  }
  try {
    return parseGoDuration(text);
  } catch {
    return null;
  }
}

/** nats-server processTerm: an ack that stops redelivery, and an advisory. */
export function term(o: ConsumerEngine, sseq: number, dseq: number, dc: number, now: bigint): void {
  ackMsg(o, sseq, dseq, dc, false, now);
  o.deps.output.advisory(
    `$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${o.config.stream}.${o.config.name}`,
    event(o, "io.nats.jetstream.advisory.v1.terminated", {
      consumer_seq: dseq,
      stream_seq: sseq,
      deliveries: dc,
    }),
  );
}

/** nats-server progressUpdate: restarts the ack wait of a pending message. */
function progress(o: ConsumerEngine, sseq: number, now: bigint): void {
  const p = o.pending.get(sseq);
  if (!p) return;
  p.timestamp = now;
  o.storeDelivered(p.sequence, sseq, 1, p.timestamp, now);
}

/**
 * @module
 * Pull requests of nats-server 2.9.10 consumer.go: `processNextMsgRequest` (limits, no_wait,
 * max_waiting, with its status answers), `nextWaiting` (which request gets the next message,
 * max_bytes), `processWaiting` (expiry with `408 Request Timeout`, lost interest, per-request
 * idle heartbeats) and `releaseAnyPendingRequests` (`409 Consumer Deleted`).
 * PURE: no Deno APIs, timers or console output.
 */
import { formatGoDuration } from "../../../config/duration.ts";
import type { ConsumerEngine } from "./engine.ts";
import { parsePullRequest } from "./pull_request.ts";
import { CONSUMER_DELETED, maxBytesExceeded, requestTimeout, statusHeader } from "./status.ts";
import type { WaitingRequest } from "./wait_queue.ts";

function sendStatus(o: ConsumerEngine, reply: string, header: Uint8Array): void {
  o.deps.output.send(reply, "", header, null);
}

/** nats-server processNextMsgRequest. */
export function processNextRequest(
  o: ConsumerEngine,
  reply: string,
  body: string,
  now: bigint,
): void {
  if (reply === "") return;
  const err = (code: number, text: string) => sendStatus(o, reply, statusHeader(code, text));
  const wq = o.waiting;
  if (!o.isPull || wq === null) return err(409, "Consumer is push based");
  const req = parsePullRequest(body, now);
  if ("error" in req) return err(400, `Bad Request - ${req.error}`);
  const c = o.config;
  if (c.maxBatch > 0 && req.batch > c.maxBatch) {
    return err(409, `Exceeded MaxRequestBatch of ${c.maxBatch}`);
  }
  if (req.expires !== 0n && c.maxExpires > 0n && req.expires > now + c.maxExpires) {
    return err(409, `Exceeded MaxRequestExpires of ${formatGoDuration(c.maxExpires)}`);
  }
  if (req.maxBytes > 0 && c.maxBytes > 0 && req.maxBytes > c.maxBytes) {
    return err(409, `Exceeded MaxRequestMaxBytes of ${c.maxBytes}`);
  }
  if (wq.isFull()) processWaiting(o, false, now);
  if (req.noWait) {
    const msgsPending = o.numPending() + o.redeliveryCount;
    if (msgsPending === 0 && req.expires === 0n) {
      wq.last = now;
      return err(404, "No Messages");
    }
    if (msgsPending > 0) {
      let batchPending = 0;
      processWaiting(o, false, now, (n) => batchPending = n);
      if (msgsPending < batchPending) {
        wq.last = now;
        return err(408, "Requests Pending");
      }
    }
  }
  const wr: WaitingRequest = {
    reply,
    n: req.batch,
    d: 0,
    b: req.maxBytes,
    expires: req.expires,
    received: now,
    hb: req.heartbeat,
    hbt: req.heartbeat > 0n ? now + req.heartbeat : 0n,
    noWait: req.noWait,
  };
  if (!wq.add(wr)) return err(409, "Exceeded MaxWaiting");
}

/**
 * nats-server nextWaiting: the request that takes a message of `size` bytes, or null. Requests
 * the message does not fit get `409 Message Size Exceeds MaxBytes`; expired or abandoned
 * ones are dropped.
 */
export function takeWaiting(o: ConsumerEngine, size: number, now: bigint): WaitingRequest | null {
  const wq = o.waiting;
  if (wq === null) return null;
  for (let wr = wq.peek(); wr !== undefined; wr = wq.peek()) {
    if (wr.b > 0) {
      if (size <= wr.b) {
        wr.b -= size;
        if (wr.b === 0) wr.n = 1;
      } else {
        sendStatus(o, wr.reply, maxBytesExceeded(wr.n, wr.b));
        wq.removeHead();
        continue;
      }
    }
    if ((wr.expires === 0n || now < wr.expires) && replyInterest(o, wr, now)) {
      return wq.pop()!;
    }
    wq.removeHead();
  }
  return null;
}

/** nats-server defaultGatewayRecentSubExpiration: how long a request's reply counts as wanted. */
const GATEWAY_RECENT_NS = 2_000_000_000n;

/** Whether a waiting request's reply is still wanted (here, or beyond a gateway or leafnode). */
function replyInterest(o: ConsumerEngine, wr: WaitingRequest, now: bigint): boolean {
  if (o.deps.hasInterest(wr.reply)) return true;
  const remote = o.deps.remoteInterest;
  return remote !== undefined &&
    remote.call(o.deps, wr.reply, now - wr.received < GATEWAY_RECENT_NS);
}

/**
 * nats-server processWaiting: expires requests (`408 Request Timeout`; with `eos`, a no_wait
 * request that got something and found no more), drops those whose reply lost interest, sends
 * due heartbeats. Returns the next deadline (expiry or heartbeat, 0n = none); `batch` gets the
 * messages still asked for.
 */
export function processWaiting(
  o: ConsumerEngine,
  eos: boolean,
  now: bigint,
  batch?: (n: number) => void,
): bigint {
  const wq = o.waiting;
  let fexp = 0n;
  let brp = 0;
  if (wq === null || wq.isEmpty()) {
    batch?.(0);
    return fexp;
  }
  wq.filter((wr) => {
    if ((eos && wr.noWait && wr.d > 0) || (wr.expires !== 0n && now > wr.expires)) {
      sendStatus(o, wr.reply, requestTimeout(wr.n, wr.b));
      return false;
    }
    if (!replyInterest(o, wr, now)) return false;
    brp += wr.n;
    if (wr.hbt !== 0n) {
      if (now > wr.hbt) {
        o.sendIdleHeartbeat(wr.reply);
        wr.hbt = now + wr.hb;
      }
      if (fexp === 0n || wr.hbt < fexp) fexp = wr.hbt;
    }
    if (wr.expires !== 0n && (fexp === 0n || wr.expires < fexp)) fexp = wr.expires;
    return true;
  });
  batch?.(brp);
  return fexp;
}

/** nats-server releaseAnyPendingRequests: every waiting request gets `409 Consumer Deleted`. */
export function releaseWaiting(o: ConsumerEngine): void {
  const wq = o.waiting;
  if (wq === null) return;
  for (const wr of wq.drain()) sendStatus(o, wr.reply, CONSUMER_DELETED);
}

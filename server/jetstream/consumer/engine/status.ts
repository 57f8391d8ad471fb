/**
 * @module
 * The status messages a consumer sends (header-only messages, nats-server 2.9.10 consumer.go):
 * pull request answers (`404 No Messages`, `408 Request Timeout`, the `409`s), idle heartbeats
 * and flow control requests, byte for byte.
 * PURE: no Deno APIs, timers or console output.
 */

const enc = new TextEncoder();

/** nats-server JSPullRequestPendingMsgs / JSPullRequestPendingBytes. */
export const PENDING_MSGS_HDR = "Nats-Pending-Messages";
export const PENDING_BYTES_HDR = "Nats-Pending-Bytes";
/** nats-server JSLastConsumerSeq, JSLastStreamSeq, JSConsumerStalled, JSMsgSize. */
export const LAST_CONSUMER_HDR = "Nats-Last-Consumer";
export const LAST_STREAM_HDR = "Nats-Last-Stream";
export const CONSUMER_STALLED_HDR = "Nats-Consumer-Stalled";
export const MSG_SIZE_HDR = "Nats-Msg-Size";

/** `NATS/1.0 <code> <description>\r\n\r\n` (processNextMsgRequest's sendErr). */
export function statusHeader(code: number, description: string): Uint8Array {
  return enc.encode(`NATS/1.0 ${code} ${description}\r\n\r\n`);
}

/** A status with the request's remaining batch and bytes (408 Request Timeout, 409 MaxBytes). */
export function pendingStatusHeader(
  code: number,
  description: string,
  msgs: number,
  bytes: number,
): Uint8Array {
  return enc.encode(
    `NATS/1.0 ${code} ${description}\r\n${PENDING_MSGS_HDR}: ${msgs}\r\n` +
      `${PENDING_BYTES_HDR}: ${bytes}\r\n\r\n`,
  );
}

/** 408 Request Timeout: a pull request expired (or a no_wait request ran out of messages). */
export function requestTimeout(msgs: number, bytes: number): Uint8Array {
  return pendingStatusHeader(408, "Request Timeout", msgs, bytes);
}

/** 409 Message Size Exceeds MaxBytes: the next message does not fit the request's max_bytes. */
export function maxBytesExceeded(msgs: number, bytes: number): Uint8Array {
  return pendingStatusHeader(409, "Message Size Exceeds MaxBytes", msgs, bytes);
}

/** 409 Consumer Deleted: sent to waiting pull requests when the consumer goes. */
export const CONSUMER_DELETED = statusHeader(409, "Consumer Deleted");

/**
 * `100 Idle Heartbeat` with the last delivered consumer and stream sequences, and
 * `Nats-Consumer-Stalled` when a flow control request is outstanding.
 */
export function idleHeartbeat(
  lastConsumer: number,
  lastStream: number,
  stalled: string,
): Uint8Array {
  let text = `NATS/1.0 100 Idle Heartbeat\r\n${LAST_CONSUMER_HDR}: ${lastConsumer}\r\n` +
    `${LAST_STREAM_HDR}: ${lastStream}\r\n`;
  if (stalled !== "") text += `${CONSUMER_STALLED_HDR}: ${stalled}\r\n`;
  return enc.encode(text + "\r\n");
}

/** `100 FlowControl Request` (sent with the `$JS.FC.<stream>.<consumer>.<id>` reply). */
export const FLOW_CONTROL_REQUEST = enc.encode("NATS/1.0 100 FlowControl Request\r\n\r\n");

/**
 * A headers-only delivery's header block (convertToHeadersOnly): the message's own headers (or
 * a bare `NATS/1.0` line) plus `Nats-Msg-Size: <payload length>`.
 */
export function headersOnly(header: Uint8Array | null, payloadLength: number): Uint8Array {
  const extra = enc.encode(`${MSG_SIZE_HDR}: ${payloadLength}\r\n\r\n`);
  const base = header === null || header.length === 0
    ? enc.encode("NATS/1.0\r\n")
    : header.subarray(0, header.length - 2);
  const out = new Uint8Array(base.length + extra.length);
  out.set(base, 0);
  out.set(extra, base.length);
  return out;
}

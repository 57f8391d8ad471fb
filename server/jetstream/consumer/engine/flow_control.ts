/**
 * @module
 * Push flow control of nats-server 2.9.10 consumer.go (`needFlowControl`, `sendFlowControl`,
 * `processFlowControl`): deliveries count pending bytes; past half the window a
 * `100 FlowControl Request` goes out with a `$JS.FC.<stream>.<consumer>.<id>` reply and
 * deliveries stall over the window until the subscriber answers it; each answer doubles the
 * window up to its limit.
 * PURE: no Deno APIs, timers or console output.
 */
import type { ConsumerEngine } from "./engine.ts";
import { FLOW_CONTROL_REQUEST } from "./status.ts";

const FC_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** nats-server processFlowControl: the latest request was answered; the window grows. */
export function flowControlReply(o: ConsumerEngine, subject: string): void {
  if (subject !== o.fcid) return;
  if (o.maxpb < o.pblimit) o.maxpb = Math.min(o.maxpb * 2, o.pblimit);
  o.pbytes = Math.max(0, o.pbytes - o.fcsz);
  o.fcid = "";
  o.fcsz = 0;
}

/** nats-server needFlowControl: over half the window with no request out. */
export function needFlowControl(o: ConsumerEngine, size: number): boolean {
  if (o.maxpb === 0) return false;
  if (o.fcid === "" && o.pbytes > o.maxpb / 2) return true;
  if (o.fcid !== "" && o.pbytes - o.fcsz >= o.maxpb) o.fcsz += size;
  return false;
}

/** nats-server sendFlowControl: `100 FlowControl Request` with a `$JS.FC` reply. */
export function sendFlowControl(o: ConsumerEngine): void {
  if (o.isPull) return;
  let id = "";
  for (let i = 0; i < 4; i++) id += FC_DIGITS[Math.floor(o.deps.random() * 62)];
  const reply = `$JS.FC.${o.config.stream}.${o.config.name}.${id}`;
  o.fcsz = o.pbytes;
  o.fcid = reply;
  o.deps.output.send(o.config.deliverSubject, reply, FLOW_CONTROL_REQUEST, null);
}

/**
 * @module
 * The message-op record a parser reuses for every PUB/HPUB/RMSG/HMSG/LMSG it reports
 * (a {@link RoutedMsgOp}: offsets into an argument buffer and a payload buffer): creating it
 * with every field set (one object shape for V8), and moving its argument offsets when the
 * arguments are copied out of the read buffer because the payload continues in a later read.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { EMPTY_BYTES } from "./chars.ts";
import type { RoutedMsgOp } from "./sink.ts";

/** A message op with every field set: no offsets, empty buffers, no header (`headerSize` -1). */
export function newMsgOp(): RoutedMsgOp {
  return {
    argBuf: EMPTY_BYTES,
    subjectStart: 0,
    subjectEnd: 0,
    replyStart: 0,
    replyEnd: 0,
    headerSize: -1,
    size: 0,
    sizeStart: 0,
    sizeEnd: 0,
    headerSizeStart: 0,
    headerSizeEnd: 0,
    payloadBuf: EMPTY_BYTES,
    payloadStart: 0,
    payloadEnd: 0,
    accountStart: 0,
    accountEnd: 0,
    queuesStart: 0,
    queuesEnd: 0,
    originStart: 0,
    originEnd: 0,
  };
}

/**
 * The arguments that started at `start` of the read buffer now start at 0 of a copy: moves
 * every argument offset of `msg` back by `start` (the payload offsets are left alone).
 *
 * @example
 * ```ts
 * import { newMsgOp, rebaseMsgArgs } from "./msg_op.ts";
 * const msg = newMsgOp();
 * msg.subjectStart = 4;
 * msg.subjectEnd = 7;
 * rebaseMsgArgs(msg, 4);
 * if (msg.subjectStart !== 0 || msg.subjectEnd !== 3) throw new Error("not rebased");
 * ```
 */
export function rebaseMsgArgs(msg: RoutedMsgOp, start: number): void {
  msg.subjectStart -= start;
  msg.subjectEnd -= start;
  msg.replyStart -= start;
  msg.replyEnd -= start;
  msg.sizeStart -= start;
  msg.sizeEnd -= start;
  msg.headerSizeStart -= start;
  msg.headerSizeEnd -= start;
  msg.accountStart -= start;
  msg.accountEnd -= start;
  msg.queuesStart -= start;
  msg.queuesEnd -= start;
  msg.originStart -= start;
  msg.originEnd -= start;
}

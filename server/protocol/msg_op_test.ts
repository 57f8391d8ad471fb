import assert from "node:assert/strict";
import { newMsgOp, rebaseMsgArgs } from "./msg_op.ts";

Deno.test("a new message op has no header and zero offsets", () => {
  const msg = newMsgOp();
  assert.deepEqual(msg.headerSize, -1);
  assert.deepEqual(msg.size, 0);
  assert.deepEqual(msg.argBuf.length, 0);
  assert.deepEqual(msg.payloadBuf.length, 0);
  assert.deepEqual(msg.originEnd, 0);
});

Deno.test("rebasing moves every argument offset and leaves the payload offsets", () => {
  const msg = newMsgOp();
  const args = [
    "subjectStart",
    "subjectEnd",
    "replyStart",
    "replyEnd",
    "sizeStart",
    "sizeEnd",
    "headerSizeStart",
    "headerSizeEnd",
    "accountStart",
    "accountEnd",
    "queuesStart",
    "queuesEnd",
    "originStart",
    "originEnd",
  ] as const;
  args.forEach((key, k) => (msg[key] = 10 + k));
  msg.payloadStart = 50;
  msg.payloadEnd = 60;
  rebaseMsgArgs(msg, 10);
  args.forEach((key, k) => assert.deepEqual(msg[key], k, key));
  assert.deepEqual([msg.payloadStart, msg.payloadEnd], [50, 60]);
});

import assert from "node:assert/strict";
import { InternalMsg, MsgSlab } from "./internal_msg.ts";
import { InternalOp } from "./internal_op.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const responder = { closed: false, publish: () => true };

Deno.test("messages copied into a slab keep their own bytes while the op is reused", () => {
  const slab = new MsgSlab();
  const op = new InternalOp();
  const msgs: InternalMsg[] = [];
  // Enough small messages to fill several slabs, one big one in between.
  for (let i = 0; i < 300; i++) {
    const body = i === 150 ? "x".repeat(2000) : `payload-${i}`;
    op.set(`$JS.ACK.S.C.1.${i}.${i}.1.0`, i % 2 === 0 ? "" : `_INBOX.r${i}`, enc.encode(body));
    msgs.push(new InternalMsg(op, responder, msgs.at(-1) ?? null, slab));
  }
  for (let i = 0; i < 300; i++) {
    const m = msgs[i];
    assert.equal(m.subject, `$JS.ACK.S.C.1.${i}.${i}.1.0`);
    assert.equal(m.reply, i % 2 === 0 ? "" : `_INBOX.r${i}`);
    assert.equal(dec.decode(m.data), i === 150 ? "x".repeat(2000) : `payload-${i}`);
  }
  // The big message has a buffer of its own; small ones share.
  assert.equal(msgs[150].data.buffer.byteLength, msgs[150].data.byteOffset + 2000);
  assert.equal(msgs[1].data.buffer, msgs[2].data.buffer);
});

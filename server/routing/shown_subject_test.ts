/**
 * @module
 * `reply@shown` JetStream deliveries from another server: only `$JS.ACK.` replies with a
 * non-empty shown subject are rewritten.
 */
import assert from "node:assert/strict";
import { shownOp } from "./shown_subject.ts";
import { InternalOp } from "../internal/internal_op.ts";

const dec = new TextDecoder();
const view = (subject: string, reply: string) => {
  const s = shownOp(new InternalOp().set(subject, reply, new TextEncoder().encode("hi")));
  if (s === null) return null;
  return {
    subject: dec.decode(s.argBuf.subarray(s.subjectStart, s.subjectEnd)),
    reply: dec.decode(s.argBuf.subarray(s.replyStart, s.replyEnd)),
    data: dec.decode(s.payloadBuf.subarray(s.payloadStart, s.payloadEnd)),
  };
};

Deno.test("shown subject: $JS.ACK reply with @ shows the stored subject", () => {
  assert.deepEqual(view("$JS.M.x", "$JS.ACK.O.C.1.2.3.4.0@o.1"), {
    subject: "o.1",
    reply: "$JS.ACK.O.C.1.2.3.4.0",
    data: "hi",
  });
});

Deno.test("shown subject: other replies, no @, or a trailing @ are left alone", () => {
  assert.equal(view("a", "_INBOX.x@y"), null);
  assert.equal(view("a", "$JS.ACK.O.C.1.2.3.4.0"), null);
  assert.equal(view("a", "$JS.ACK.O.C.1.2.3.4.0@"), null);
  assert.equal(view("a", ""), null);
});

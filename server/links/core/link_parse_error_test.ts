/**
 * @module
 * A link's answer to parse errors: the log line, the `-ERR` sent and the close reason.
 */
import assert from "node:assert/strict";
import { Logger } from "../../log/logger.ts";
import { ParseErrorKind } from "../../protocol/sink.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import { closeOnParseError } from "./link_parse_error.ts";

const dec = new TextDecoder();

function run(kind: ParseErrorKind, detail: string) {
  const lines: string[] = [];
  const logger = new Logger((l) => lines.push(l), {
    pid: 1,
    debug: false,
    trace: false,
    logtime: false,
    logtimeUTC: false,
  });
  const sent: string[] = [];
  const closed: string[] = [];
  const link = {
    logPrefix: "1.2.3.4:5 - rid:7",
    send: (b: Uint8Array) => void sent.push(dec.decode(b)),
    close: (r: string) => void closed.push(r),
  };
  closeOnParseError(link, logger, "Router", kind, detail);
  return { lines, sent, closed };
}

Deno.test("an op before CONNECT is an authorization violation", () => {
  const r = run(ParseErrorKind.AuthViolation, "authentication error");
  assert.match(r.lines.join(), /1\.2\.3\.4:5 - rid:7 - authentication error$/);
  assert.deepEqual(r.sent, ["-ERR 'Authorization Violation'\r\n"]);
  assert.deepEqual(r.closed, [CloseReason.AuthenticationViolation]);
});

Deno.test("an unknown op is logged with the parser's name and answered", () => {
  const r = run(ParseErrorKind.UnknownOp, "state=0, i=0: 'XYZ'");
  assert.match(r.lines.join(), /rid:7 - Router parser ERROR, state=0, i=0: 'XYZ'$/);
  assert.deepEqual(r.sent, ["-ERR 'Unknown Protocol Operation'\r\n"]);
  assert.deepEqual(r.closed, [CloseReason.ProtocolViolation]);
});

Deno.test("other parse errors are logged as they are and close without -ERR", () => {
  const r = run(ParseErrorKind.MaxPayload, "maximum payload exceeded");
  assert.match(r.lines.join(), /rid:7 - maximum payload exceeded$/);
  assert.deepEqual(r.sent, []);
  assert.deepEqual(r.closed, [CloseReason.ProtocolViolation]);
});

/**
 * @module
 * The detail texts the byte-level parser (parser.ts) reports with a parse error
 * (`ProtocolSink.onParseError`). They are for logs only: the `-ERR` a client gets follows from
 * the error kind (`ParseErrorKind`, sink.ts).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

import { State } from "./parser_state.ts";
import { goQuote } from "./wire_errors.ts";

const STATE_NAMES = Object.keys(State);

/**
 * An unexpected byte in `state`: `parser ERROR, state=<name>: unexpected <byte, Go-quoted>`.
 *
 * @example
 * ```ts
 * import { unknownOpDetail } from "./parser_errors.ts";
 * import { State } from "./parser_state.ts";
 * const text = unknownOpDetail(State.Start, 0x78);
 * if (text !== `parser ERROR, state=Start: unexpected "x"`) throw new Error(text);
 * ```
 */
export function unknownOpDetail(state: State, byte: number): string {
  const where = STATE_NAMES[state];
  const what = goQuote(new Uint8Array([byte]));
  return `parser ERROR, state=${where}: unexpected ${what}`;
}

/** A control line with more than `max` bytes of arguments. */
export function maxControlLineDetail(max: number): string {
  return `maximum control line exceeded: max_control_line ${max}`;
}

/** A message of `size` bytes, over the `max` payload (the text of nats-server's ErrMaxPayload). */
export function maxPayloadDetail(size: number, max: number): string {
  return `maximum payload exceeded: ${size} vs ${max}`;
}

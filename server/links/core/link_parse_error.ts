/**
 * @module
 * How a route, gateway or leafnode link answers a parse error of its inbound stream
 * (nats-server 2.9.10 client.go `parse` errors for ROUTER, GATEWAY and LEAF connections): an
 * op before CONNECT gets `-ERR 'Authorization Violation'`, an unknown op
 * `-ERR 'Unknown Protocol Operation'` after `<Kind> parser ERROR, <detail>` is logged, anything
 * else is logged as is; the link closes in each case.
 * PURE: no Deno APIs, timers or console output; used in whichever isolate owns the link.
 */
import type { Logger } from "../../log/logger.ts";
import { ParseErrorKind } from "../../protocol/sink.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";

/** What the answer needs of a link. */
export interface ParseErrorLink {
  readonly logPrefix: string;
  send(bytes: Uint8Array): void;
  close(reason: string): void;
}

/**
 * Logs, answers and closes `link` for a parse error; `parserName` is the word nats-server
 * logs before `parser ERROR` (`Router`, `Gateway`, `Leafnode`).
 */
export function closeOnParseError(
  link: ParseErrorLink,
  logger: Logger,
  parserName: string,
  kind: ParseErrorKind,
  detail: string,
): void {
  switch (kind) {
    case ParseErrorKind.AuthViolation:
      logger.error(`${link.logPrefix} - authentication error`);
      link.send(wire.ERR_AUTHORIZATION_VIOLATION.line);
      link.close(CloseReason.AuthenticationViolation);
      return;
    case ParseErrorKind.UnknownOp:
      logger.error(`${link.logPrefix} - ${parserName} parser ERROR, ${detail}`);
      link.send(wire.ERR_UNKNOWN_PROTOCOL_OPERATION.line);
      link.close(CloseReason.ProtocolViolation);
      return;
    default:
      logger.error(`${link.logPrefix} - ${detail}`);
      link.close(CloseReason.ProtocolViolation);
  }
}

/**
 * @module
 * Every `-ERR '<text>'` that nats-server 2.9.10 sends, byte for byte, with whether the
 * connection is closed right after it and the close reason it records (the `/connz`
 * `reason` string). Also Go's `%q` quoting, which the formatted texts use.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 *
 * Facts checked in nats-server v2.9.10:
 * - `-ERR` lines are built by `client.go sendErr` from `errProto = "-ERR '%s'\r\n"`; the text
 *   is not escaped (a `'` inside stays as is).
 * - A slow consumer gets NO `-ERR`: `client.go queueOutbound` / `handleWriteTimeout` just close
 *   with `Slow Consumer (Pending Bytes)` or `Slow Consumer (Write Deadline)`.
 * - `Invalid Publish Subject` (pedantic) does not drop the message: `processPub` sends the
 *   error and returns nil, so the message is still delivered.
 */

import { decodeRune, runeWidth, utf8Bytes, utf8Length, writeUtf8 } from "./chars.ts";

/** One `-ERR` text and what nats-server does around it. */
export interface WireError {
  /** The text between the quotes of `-ERR '...'`. */
  readonly text: string;
  /** True when nats-server closes the connection right after sending it. */
  readonly closes: boolean;
  /** The close reason recorded (monitor.go `ClosedState.String`), or null when not closing. */
  readonly closeReason: string | null;
  /** Where nats-server 2.9.10 sends it. */
  readonly source: string;
  /** The full line, `-ERR '<text>'\r\n`. */
  readonly line: Uint8Array;
}

/** Close reasons as `/connz?state=closed` reports them (monitor.go `ClosedState.String`). */
export const CloseReason = {
  ClientClosed: "Client Closed",
  AuthenticationTimeout: "Authentication Timeout",
  AuthenticationViolation: "Authentication Failure",
  TLSHandshakeError: "TLS Handshake Failure",
  SlowConsumerPendingBytes: "Slow Consumer (Pending Bytes)",
  SlowConsumerWriteDeadline: "Slow Consumer (Write Deadline)",
  WriteError: "Write Error",
  ReadError: "Read Error",
  ParseError: "Parse Error",
  StaleConnection: "Stale Connection",
  ProtocolViolation: "Protocol Violation",
  BadClientProtocolVersion: "Bad Client Protocol Version",
  WrongPort: "Incorrect Port",
  MaxConnectionsExceeded: "Maximum Connections Exceeded",
  MaxAccountConnectionsExceeded: "Maximum Account Connections Exceeded",
  MaxPayloadExceeded: "Maximum Message Payload Exceeded",
  MaxControlLineExceeded: "Maximum Control Line Exceeded",
  MaxSubscriptionsExceeded: "Maximum Subscriptions Exceeded",
  DuplicateRoute: "Duplicate Route",
  RouteRemoved: "Route Removed",
  ServerShutdown: "Server Shutdown",
  AuthenticationExpired: "Authentication Expired",
  WrongGateway: "Wrong Gateway",
  MissingAccount: "Missing Account",
  Revocation: "Credentials Revoked",
  InternalClient: "Internal Client",
  MsgHeaderViolation: "Message Header Violation",
  NoRespondersRequiresHeaders: "No Responders Requires Headers",
  ClusterNameConflict: "Cluster Name Conflict",
  DuplicateRemoteLeafnodeConnection: "Duplicate Remote LeafNode Connection",
  DuplicateClientID: "Duplicate Client ID",
  DuplicateServerName: "Duplicate Server Name",
  MinimumVersionRequired: "Minimum Version Required",
  ClusterNamesIdentical: "Cluster Names Identical",
} as const;
export type CloseReason = typeof CloseReason[keyof typeof CloseReason];

/**
 * Encodes `-ERR '<text>'\r\n`.
 *
 * @example
 * ```ts
 * import { encodeErr } from "./wire_errors.ts";
 * const line = encodeErr("Stale Connection");
 * if (line.length !== "-ERR 'Stale Connection'\r\n".length) throw new Error();
 * ```
 */
export function encodeErr(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text) + 9);
  out.set(ERR_PREFIX, 0);
  const o = writeUtf8(out, ERR_PREFIX.length, text);
  out[o] = 0x27;
  out[o + 1] = 0x0d;
  out[o + 2] = 0x0a;
  return out;
}
const ERR_PREFIX = utf8Bytes("-ERR '");

function wireError(text: string, closeReason: string | null, source: string): WireError {
  return { text, closes: closeReason !== null, closeReason, source, line: encodeErr(text) };
}

// ---- Fixed texts sent to clients -------------------------------------------------------------

/** Parser hit an unknown op or illegal byte; readLoop then closes. parser.go `parse` (parseErr). */
export const ERR_UNKNOWN_PROTOCOL_OPERATION: WireError = wireError(
  "Unknown Protocol Operation",
  CloseReason.ProtocolViolation,
  "parser.go parse (parseErr); client.go readLoop closes",
);
/** Bad credentials, legacy account fields, or a first op other than CONNECT while auth pends. */
export const ERR_AUTHORIZATION_VIOLATION: WireError = wireError(
  "Authorization Violation",
  CloseReason.AuthenticationViolation,
  "client.go authViolation; parser.go parse (authErr)",
);
/** No CONNECT within auth_timeout. */
export const ERR_AUTHENTICATION_TIMEOUT: WireError = wireError(
  "Authentication Timeout",
  CloseReason.AuthenticationTimeout,
  "client.go authTimeout",
);
/** User JWT expired. */
export const ERR_USER_AUTHENTICATION_EXPIRED: WireError = wireError(
  "User Authentication Expired",
  CloseReason.AuthenticationExpired,
  "client.go authExpired",
);
/** Account JWT expired. */
export const ERR_ACCOUNT_AUTHENTICATION_EXPIRED: WireError = wireError(
  "Account Authentication Expired",
  CloseReason.AuthenticationExpired,
  "client.go accountAuthExpired",
);
/** User JWT revoked. */
export const ERR_USER_AUTHENTICATION_REVOKED: WireError = wireError(
  "User Authentication Revoked",
  CloseReason.Revocation,
  "accounts.go (revocation check on account update)",
);
/** PUB/HPUB size over max_payload, sent right after the control line. */
export const ERR_MAXIMUM_PAYLOAD_VIOLATION: WireError = wireError(
  "Maximum Payload Violation",
  CloseReason.MaxPayloadExceeded,
  "client.go maxPayloadViolation (from processPub/processHeaderPub)",
);
/** Control-line arguments longer than max_control_line (ErrMaxControlLine). */
export const ERR_MAXIMUM_CONTROL_LINE_EXCEEDED: WireError = wireError(
  "maximum control line exceeded",
  CloseReason.MaxControlLineExceeded,
  "parser.go overMaxControlLineLimit; errors.go ErrMaxControlLine",
);
/** Over max_connections, sent on accept (ErrTooManyConnections). */
export const ERR_MAXIMUM_CONNECTIONS_EXCEEDED: WireError = wireError(
  "maximum connections exceeded",
  CloseReason.MaxConnectionsExceeded,
  "client.go maxConnExceeded; errors.go ErrTooManyConnections",
);
/** Account connection limit reached (ErrTooManyAccountConnections). */
export const ERR_MAXIMUM_ACCOUNT_CONNECTIONS_EXCEEDED: WireError = wireError(
  "maximum account active connections exceeded",
  CloseReason.MaxAccountConnectionsExceeded,
  "client.go maxAccountConnExceeded; errors.go ErrTooManyAccountConnections",
);
/**
 * SUB over max_subscriptions: the sub is refused, the connection stays. (When a reload or JWT
 * update lowers the limit below the current count, client.go applyAccountLimits sends it and
 * closes 20 ms later with `Maximum Subscriptions Exceeded`.)
 */
export const ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED: WireError = wireError(
  "maximum subscriptions exceeded",
  null,
  "client.go maxSubsExceeded; errors.go ErrTooManySubs",
);
/** SUB subject rejected by the sublist (empty token, `>` not last); connection stays. */
export const ERR_INVALID_SUBJECT: WireError = wireError(
  "Invalid Subject",
  null,
  "client.go processSubEx (sublist Insert error)",
);
/** Pedantic PUB to a non-literal subject; connection stays and the message is still sent. */
export const ERR_INVALID_PUBLISH_SUBJECT: WireError = wireError(
  "Invalid Publish Subject",
  null,
  "client.go processPub / processHeaderPub",
);
/** Too many unanswered server PINGs. */
export const ERR_STALE_CONNECTION: WireError = wireError(
  "Stale Connection",
  CloseReason.StaleConnection,
  "client.go processPingTimer",
);
/** TLS handshake not done within the TLS timeout. */
export const ERR_SECURE_CONNECTION_TLS_REQUIRED: WireError = wireError(
  "Secure Connection - TLS Required",
  CloseReason.TLSHandshakeError,
  "server.go tlsTimeout",
);
/** CONNECT `protocol` outside 0..1 (ErrBadClientProtocol). */
export const ERR_INVALID_CLIENT_PROTOCOL: WireError = wireError(
  "invalid client protocol",
  CloseReason.BadClientProtocolVersion,
  "client.go processConnect; errors.go ErrBadClientProtocol",
);
/** CONNECT `no_responders` without `headers` (ErrNoRespondersRequiresHeaders). */
export const ERR_NO_RESPONDERS_REQUIRES_HEADERS: WireError = wireError(
  "no responders requires headers support",
  CloseReason.NoRespondersRequiresHeaders,
  "client.go processConnect; errors.go ErrNoRespondersRequiresHeaders",
);
/** Could not bind the user to its account; nats-server does not close here. */
export const ERR_FAILED_ACCOUNT_REGISTRATION: WireError = wireError(
  "Failed Account Registration",
  null,
  "client.go reportErrRegisterAccount",
);
/** TLS connection rate limit hit. */
export const ERR_CONNECTION_THROTTLING: WireError = wireError(
  "Connection throttling is active. Please try again later.",
  CloseReason.MaxConnectionsExceeded,
  "server.go createClient (connRateCounter)",
);

// ---- Fixed texts sent on the route, gateway and leafnode ports --------------------------------

/** A client (CONNECT has `lang`) on the cluster port (ErrClientConnectedToRoutePort). */
export const ERR_CONNECTED_TO_ROUTE_PORT: WireError = wireError(
  "attempted to connect to route port",
  CloseReason.WrongPort,
  "route.go processRouteConnect",
);
/** A client on the leafnode port (ErrClientConnectedToLeafNodePort). */
export const ERR_CONNECTED_TO_LEAFNODE_PORT: WireError = wireError(
  "attempted to connect to leaf node port",
  CloseReason.WrongPort,
  "leafnode.go processLeafNodeConnect",
);
/** A client or route on the gateway port (ErrClientOrRouteConnectedToGatewayPort). */
export const ERR_CONNECTED_TO_GATEWAY_PORT: WireError = wireError(
  "attempted to connect to gateway port",
  CloseReason.WrongPort,
  "gateway.go processGatewayConnect",
);
/** Leafnode whose cluster name equals ours (ErrLeafNodeHasSameClusterName). */
export const ERR_LEAFNODE_SAME_CLUSTER_NAME: WireError = wireError(
  "remote leafnode has same cluster name",
  CloseReason.ClusterNamesIdentical,
  "leafnode.go processLeafNodeConnect",
);
/** Second leafnode connection for the same remote. */
export const ERR_DUPLICATE_REMOTE_LEAFNODE: WireError = wireError(
  "Duplicate Remote LeafNode Connection",
  CloseReason.DuplicateRemoteLeafnodeConnection,
  "leafnode.go addLeafNodeConnection",
);
/** Route/leaf interest that the sublist rejects; the link stays. */
export const ERR_INVALID_SUBSCRIPTION: WireError = wireError(
  "Invalid Subscription",
  null,
  "route.go processRemoteSub; leafnode.go processLeafSub",
);
/** Leafnode connect handshake did not finish in time. */
export const ERR_STALE_LEAFNODE_CONNECTION: WireError = wireError(
  "Stale Leaf Node Connection - Closing",
  CloseReason.StaleConnection,
  "leafnode.go (connect-process timeout of a solicited leafnode)",
);

/** All fixed texts above, for tests and lookups. */
export const FIXED_WIRE_ERRORS: readonly WireError[] = [
  ERR_UNKNOWN_PROTOCOL_OPERATION,
  ERR_AUTHORIZATION_VIOLATION,
  ERR_AUTHENTICATION_TIMEOUT,
  ERR_USER_AUTHENTICATION_EXPIRED,
  ERR_ACCOUNT_AUTHENTICATION_EXPIRED,
  ERR_USER_AUTHENTICATION_REVOKED,
  ERR_MAXIMUM_PAYLOAD_VIOLATION,
  ERR_MAXIMUM_CONTROL_LINE_EXCEEDED,
  ERR_MAXIMUM_CONNECTIONS_EXCEEDED,
  ERR_MAXIMUM_ACCOUNT_CONNECTIONS_EXCEEDED,
  ERR_MAXIMUM_SUBSCRIPTIONS_EXCEEDED,
  ERR_INVALID_SUBJECT,
  ERR_INVALID_PUBLISH_SUBJECT,
  ERR_STALE_CONNECTION,
  ERR_SECURE_CONNECTION_TLS_REQUIRED,
  ERR_INVALID_CLIENT_PROTOCOL,
  ERR_NO_RESPONDERS_REQUIRES_HEADERS,
  ERR_FAILED_ACCOUNT_REGISTRATION,
  ERR_CONNECTION_THROTTLING,
  ERR_CONNECTED_TO_ROUTE_PORT,
  ERR_CONNECTED_TO_LEAFNODE_PORT,
  ERR_CONNECTED_TO_GATEWAY_PORT,
  ERR_LEAFNODE_SAME_CLUSTER_NAME,
  ERR_DUPLICATE_REMOTE_LEAFNODE,
  ERR_INVALID_SUBSCRIPTION,
  ERR_STALE_LEAFNODE_CONNECTION,
];

// ---- Formatted texts (none of them closes unless noted) --------------------------------------

/** Bytes or a string, as the formatted texts accept subjects either way. */
export type TextArg = Uint8Array | string;

/**
 * `Permissions Violation for Publish to "<subject>"`; message dropped, connection stays.
 * client.go `pubPermissionViolation` (also leafnode.go `leafPermViolation`).
 *
 * @example
 * ```ts
 * import { pubPermissionViolation } from "./wire_errors.ts";
 * if (pubPermissionViolation("a.b") !== 'Permissions Violation for Publish to "a.b"') {
 *   throw new Error();
 * }
 * ```
 */
export function pubPermissionViolation(subject: TextArg): string {
  return `Permissions Violation for Publish to ${goQuote(subject)}`;
}

/**
 * `Permissions Violation for Subscription to "<subject>"`, or with `using queue "<queue>"`
 * for a queue subscription; sub refused, connection stays. client.go `subPermissionViolation`.
 *
 * @example
 * ```ts
 * import { subPermissionViolation } from "./wire_errors.ts";
 * const t = subPermissionViolation("a.>", "q");
 * if (t !== 'Permissions Violation for Subscription to "a.>" using queue "q"') throw new Error();
 * ```
 */
export function subPermissionViolation(subject: TextArg, queue: TextArg | null = null): string {
  const base = `Permissions Violation for Subscription to ${goQuote(subject)}`;
  return queue === null ? base : `${base} using queue ${goQuote(queue)}`;
}

/** `Permissions Violation for Publish with Reply of "<reply>"`. client.go `replySubjectViolation`. */
export function replyPermissionViolation(reply: TextArg): string {
  return `Permissions Violation for Publish with Reply of ${goQuote(reply)}`;
}

/** Over `max_sub_tokens`; sub refused. client.go `maxTokensViolation`. */
export function subTokensViolation(subject: TextArg): string {
  return `Permissions Violation for Subscription to ${goQuote(subject)}, too many tokens`;
}

/** Sent for each sub removed when a reload revokes it. client.go `processSubsOnConfigReload`. */
export function subRemovedViolation(subject: TextArg, sid: TextArg): string {
  return `Permissions Violation for Subscription to ${goQuote(subject)} (sid ${goQuote(sid)})`;
}

/** Gateway on the route port; closes (Wrong Gateway). route.go `processRouteConnect`. */
export function gatewayOnRoutePort(gateway: string): string {
  return `Rejecting connection from gateway ${goQuote(gateway)} on the Route port`;
}

/** Route with another cluster name; closes (Cluster Name Conflict). route.go. */
export function clusterNameMismatch(theirs: string, ours: string): string {
  return `Rejecting connection, cluster name ${goQuote(theirs)} does not match ${goQuote(ours)}`;
}

/** Gateway on the leafnode port; closes (Wrong Gateway). leafnode.go. */
export function gatewayOnLeafnodePort(gateway: string): string {
  return `Rejecting connection from gateway ${goQuote(gateway)} on the leafnode port`;
}

/** Leafnode older than `min_version`; closes after a delay. leafnode.go. */
export function leafnodeMinVersion(minVersion: string): string {
  return `connection rejected since minimum version required is ${goQuote(minVersion)}`;
}

/** Leafnode loop; `delay` is Go's duration text (e.g. `30s`). leafnode.go `handleLeafNodeLoop`. */
export function leafnodeLoop(account: string, delay: string): string {
  return `Loop detected for leafnode account=${
    goQuote(account)
  }. Delaying attempt to reconnect for ${delay}`;
}

/** Gateway connect refused by name. gateway.go `processGatewayConnect`. */
export function gatewayRejected(gatewayName: string): string {
  return `Connection to gateway ${goQuote(gatewayName)} rejected`;
}

/** Gateway dialed our gateway port with the wrong name. gateway.go. */
export function gatewayWrongPort(gatewayName: string): string {
  return `Attempt to connect to gateway ${goQuote(gatewayName)} using wrong port`;
}

/** Gateway name mismatch. gateway.go `processGatewayConnect`. */
export function gatewayWrongDestination(from: string, wanted: string, self: string): string {
  return `Connection from ${goQuote(from)} rejected, wanted to connect to ${
    goQuote(wanted)
  }, this is ${goQuote(self)}`;
}

/** Gateway interest-mode command without account. gateway.go. */
export function gatewayAccountAbsent(command: string): string {
  return `Account absent from receive-all-subscriptions-${command} command`;
}

// ---- Go %q ----------------------------------------------------------------------------------

const HEX = "0123456789abcdef";
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * Formats like Go's `%q` (strconv.Quote) over the UTF-8 bytes: printable runes as is, `"`
 * and `\` escaped, `\a\b\f\n\r\t\v`, `\xNN` for invalid bytes and C0/DEL, `\uNNNN` or
 * `\UNNNNNNNN` for other non-printable runes.
 *
 * @example
 * ```ts
 * import { goQuote } from "./wire_errors.ts";
 * if (goQuote('a"b\n') !== '"a\\"b\\n"') throw new Error();
 * ```
 */
export function goQuote(value: TextArg): string {
  const buf = typeof value === "string" ? utf8Bytes(value) : value;
  let out = '"';
  let i = 0;
  while (i < buf.length) {
    const r = decodeRune(buf, i, buf.length);
    const w = runeWidth(buf, i, buf.length);
    i += w;
    if (r < 0) {
      out += "\\x" + HEX[buf[i - 1] >> 4] + HEX[buf[i - 1] & 15];
    } else out += escapeRune(r);
  }
  return out + '"';
}

function escapeRune(r: number): string {
  if (r === 0x22) return '\\"';
  if (r === 0x5c) return "\\\\";
  if (r >= 0x20 && r < 0x7f) return String.fromCharCode(r);
  if (r >= 0x80 && PRINTABLE.test(String.fromCodePoint(r))) return String.fromCodePoint(r);
  switch (r) {
    case 0x07:
      return "\\a";
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    case 0x0b:
      return "\\v";
  }
  if (r < 0x20 || r === 0x7f) return "\\x" + HEX[r >> 4] + HEX[r & 15];
  if (r < 0x10000) return "\\u" + hexPad(r, 4);
  return "\\U" + hexPad(r, 8);
}

function hexPad(n: number, width: number): string {
  let s = n.toString(16);
  while (s.length < width) s = "0" + s;
  return s;
}

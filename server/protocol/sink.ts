/**
 * @module
 * The interface between the byte-level parser and whoever handles a connection's ops.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 *
 * Hot-path ops (PUB/HPUB, and later RMSG/LMSG) are delivered through one reusable
 * {@link MsgOp} object owned by the parser, so parsing a message allocates nothing when the
 * op is not split across reads. Fields are valid only during the sink call.
 *
 * Every `Uint8Array` handed to a sink method is a view into the read buffer or into the
 * parser's own scratch copy, valid only during the call: copy what you keep (e.g. a SUB's
 * subject and sid).
 */

/** Reusable description of a PUB/HPUB (and, later, RMSG/LMSG/MSG) op. Owned by the parser. */
export interface MsgOp {
  /** Buffer holding the argument bytes (the read buffer, or the parser's own copy when split). */
  argBuf: Uint8Array;
  subjectStart: number;
  subjectEnd: number;
  /** replyStart === replyEnd when there is no reply subject. */
  replyStart: number;
  replyEnd: number;
  /** Header block size for HPUB/HMSG; -1 for PUB/MSG. */
  headerSize: number;
  /** Total size (headers + payload) as announced. */
  size: number;
  /**
   * The size digits exactly as the client sent them (nats-server echoes these bytes in MSG/HMSG,
   * so `PUB a 05` is delivered as `MSG a 1 05`), in argBuf.
   */
  sizeStart: number;
  sizeEnd: number;
  /** The header-size digits as sent (HPUB only; both 0 for PUB), in argBuf. */
  headerSizeStart: number;
  headerSizeEnd: number;
  /** Buffer holding the message bytes (headers then payload), without the trailing CRLF. */
  payloadBuf: Uint8Array;
  payloadStart: number;
  payloadEnd: number;
}

/**
 * A mutable {@link MsgOp} with empty fields, for code that builds ops itself (rewritten
 * subjects, internal publishes, ring records) instead of getting them from the parser.
 */
export class OpFields implements MsgOp {
  argBuf: Uint8Array = new Uint8Array(0);
  subjectStart = 0;
  subjectEnd = 0;
  replyStart = 0;
  replyEnd = 0;
  headerSize = -1;
  size = 0;
  sizeStart = 0;
  sizeEnd = 0;
  headerSizeStart = 0;
  headerSizeEnd = 0;
  payloadBuf: Uint8Array = new Uint8Array(0);
  payloadStart = 0;
  payloadEnd = 0;
}

/** Why the parser stopped. The handler maps each kind to nats-server's reply and close. */
export const ParseErrorKind = {
  /** Unknown op or illegal byte: `-ERR 'Unknown Protocol Operation'`, then close. */
  UnknownOp: "unknown_op",
  /** Control line over max_control_line: `-ERR 'maximum control line exceeded'`, then close. */
  MaxControlLine: "max_control_line",
  /** PUB/HPUB size over max_payload: `-ERR 'Maximum Payload Violation'`, then close. */
  MaxPayload: "max_payload",
  /** Bad argument count/size etc.: close as protocol violation, no -ERR (nats-server readLoop). */
  ProtocolViolation: "protocol_violation",
  /**
   * An op other than CONNECT came first while `parser.requireConnect` was set (parser.go
   * authErr): `-ERR 'Authorization Violation'`, then close.
   */
  AuthViolation: "auth_violation",
} as const;
export type ParseErrorKind = typeof ParseErrorKind[keyof typeof ParseErrorKind];

/** Receives a client connection's ops, in order. */
export interface ProtocolSink {
  onConnect(json: Uint8Array): void;
  onPub(op: MsgOp): void;
  onSub(subject: Uint8Array, queue: Uint8Array | null, sid: Uint8Array): void;
  /** max is -1 when absent or not a valid size (nats-server then unsubscribes at once). */
  onUnsub(sid: Uint8Array, max: number): void;
  onPing(): void;
  onPong(): void;
  onInfo(json: Uint8Array): void;
  onOk(): void;
  onErr(text: Uint8Array): void;
  /** The parser stops at the first error; `detail` is for logs only. */
  onParseError(kind: ParseErrorKind, detail: string): void;
}

/**
 * A routed message (RMSG, route HMSG, LMSG): the {@link MsgOp} fields plus the account, the
 * optional origin cluster (LMSG) and the queue-group list, as ranges of `argBuf`
 * (route.go processRoutedMsgArgs). Empty ranges (`start === end`) mean absent. The parser's
 * reusable op always has these fields, so a route sink's `onPub` may read them.
 */
export interface RoutedMsgOp extends MsgOp {
  accountStart: number;
  accountEnd: number;
  /** Queue names separated by spaces or tabs (the groups this server must serve). */
  queuesStart: number;
  queuesEnd: number;
  originStart: number;
  originEnd: number;
}

/**
 * Receives a route connection's ops (parser built with `ROUTE_PROFILE`): `onPub` gets each
 * RMSG/HMSG/LMSG as a {@link RoutedMsgOp}; interest ops arrive as raw argument bytes.
 */
export interface RouteSink extends ProtocolSink {
  /** `RS+ <account> <subject> [<queue> <weight>]` (with `<origin>` first for LS+). */
  onRouteSub(args: Uint8Array, hasOrigin: boolean): void;
  /** `RS- <account> <subject> [<queue>]` (LS- has the same arguments). */
  onRouteUnsub(args: Uint8Array): void;
}

/**
 * Receives a gateway connection's ops (parser built with `GATEWAY_PROFILE`): the route ops plus
 * the account interest ops `A+ <account>` / `A- <account>`.
 */
export interface GatewaySink extends RouteSink {
  /** `A+ <account>` (`subscribe` true) or `A- <account>`: the raw argument bytes. */
  onAccountInterest(args: Uint8Array, subscribe: boolean): void;
}

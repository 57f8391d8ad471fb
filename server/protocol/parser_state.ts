/**
 * @module
 * The states of the byte-level parser (parser.ts) and the state each op name leads to: the
 * vocabulary of its state machine, kept apart so the parser file holds only the machine.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** Parser states. */
export const State = {
  /** Between ops: the next byte starts an op name. */
  Start: 0,
  /** Inside an op name (a trie walk). */
  OpName: 1,
  /** After PUB/HPUB/SUB/UNSUB/-ERR: one space or tab is required. */
  NeedSpace: 2,
  /** Skipping spaces/tabs before the arguments (CONNECT/INFO come here directly). */
  SkipSpace: 3,
  /** Inside the arguments, up to LF. */
  Arg: 4,
  /** After PING/PONG/+OK: everything up to LF is ignored (as nats-server does). */
  LineEnd: 5,
  /** Copying a payload that did not fit in one read. */
  Payload: 6,
  /** Expecting the CR after a payload. */
  PayloadCr: 7,
  /** Expecting the LF after a payload. */
  PayloadLf: 8,
} as const;
export type State = typeof State[keyof typeof State];

/** What follows each op's name, indexed by `Op` code (op_profile.ts). */
export const AFTER_NAME: readonly State[] = [
  State.Start, // None
  State.NeedSpace, // Pub
  State.NeedSpace, // Hpub
  State.NeedSpace, // Sub
  State.NeedSpace, // Unsub
  State.SkipSpace, // Connect
  State.SkipSpace, // Info
  State.NeedSpace, // Err
  State.LineEnd, // Ping
  State.LineEnd, // Pong
  State.LineEnd, // Ok
  State.NeedSpace, // ClientHmsg
  State.NeedSpace, // RsPlus
  State.NeedSpace, // RsMinus
  State.NeedSpace, // LsPlus
  State.NeedSpace, // LsMinus
  State.NeedSpace, // Rmsg
  State.NeedSpace, // RouteHmsg
  State.NeedSpace, // Lmsg
  State.NeedSpace, // AccountSub
  State.NeedSpace, // AccountUnsub
  State.NeedSpace, // LeafLmsg
  State.NeedSpace, // LeafHmsg
];

/**
 * @module
 * Which ops a connection kind may send: op codes and a case-insensitive trie over op names
 * (a profile). The client and route profiles mirror parser.go's OP_START for `c.kind == CLIENT`
 * and `ROUTER`, the gateway profile adds A+/A- (`GATEWAY`) and the leaf profile is `LEAF`'s.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** What a finished op name means. Route/leaf ops will get the next codes. */
export const Op = {
  None: 0,
  Pub: 1,
  Hpub: 2,
  Sub: 3,
  Unsub: 4,
  Connect: 5,
  Info: 6,
  Err: 7,
  Ping: 8,
  Pong: 9,
  Ok: 10,
  /**
   * HMSG sent by a client. nats-server 2.9.10 (parser.go HMSG_ARG, which processes no args
   * for a CLIENT) ignores the arguments, expects CRLF right after the line and publishes an
   * empty message (hdr 0, size 0) on an EMPTY subject, which matches nothing (a verbose
   * client still gets +OK). We emit that as an `onPub` with empty subject and reply.
   */
  ClientHmsg: 11,
  /** Route ops (parser.go OP_R / OP_L for `c.kind == ROUTER`); their arguments go to a RouteSink. */
  RsPlus: 12,
  RsMinus: 13,
  LsPlus: 14,
  LsMinus: 15,
  /** Routed messages (Rmsg and up are message ops with a payload, see route_args.ts). */
  Rmsg: 16,
  RouteHmsg: 17,
  Lmsg: 18,
  /** Gateway account interest (parser.go OP_A for `c.kind == GATEWAY`): `A+ <account>`. */
  AccountSub: 19,
  /** `A- <account>`: the remote has no interest in the account. */
  AccountUnsub: 20,
  /**
   * Leafnode messages (parser.go OP_L / OP_H for `c.kind == LEAF`): `LMSG <subject> ...` and
   * `HMSG <subject> ...`, without the account a route names (leafnode.go processLeafMsgArgs,
   * processLeafHeaderMsgArgs).
   */
  LeafLmsg: 21,
  LeafHmsg: 22,
} as const;
export type Op = typeof Op[keyof typeof Op];

/** The ops one connection kind may send, as a trie over op-name bytes. */
export interface OpProfile {
  /** `next[node * 256 + byte]` is the child node, 0 when the byte is not allowed. */
  readonly next: Uint16Array;
  /** `ops[node]` is the op a node completes, or `Op.None`. */
  readonly ops: Uint8Array;
  /** True when the profile has PUB (enables the PUB fast path). */
  readonly hasPub: boolean;
}

/**
 * Builds a profile from op names. Letters match either case (like parser.go); other bytes
 * (`+`, `-`) match exactly. Names must be prefix-free.
 *
 * @example
 * ```ts
 * import { buildProfile, Op } from "./op_profile.ts";
 * const p = buildProfile([["PING", Op.Ping], ["PONG", Op.Pong]]);
 * let node = 0;
 * for (const c of "pInG") node = p.next[node * 256 + c.charCodeAt(0)];
 * if (p.ops[node] !== Op.Ping) throw new Error();
 * ```
 */
export function buildProfile(names: ReadonlyArray<readonly [string, Op]>): OpProfile {
  let nodes = 1;
  for (const [name] of names) nodes += name.length;
  const next = new Uint16Array(nodes * 256);
  const ops = new Uint8Array(nodes);
  let used = 1;
  for (const [name, op] of names) {
    let node = 0;
    for (let k = 0; k < name.length; k++) {
      const c = name.charCodeAt(k);
      let child = next[node * 256 + c];
      if (child === 0) {
        child = used++;
        const lower = c | 0x20;
        const isLetter = lower >= 0x61 && lower <= 0x7a;
        if (isLetter) {
          next[node * 256 + lower] = child;
          next[node * 256 + (lower & ~0x20)] = child;
        } else next[node * 256 + c] = child;
      }
      node = child;
    }
    ops[node] = op;
  }
  return { next, ops, hasPub: names.some(([, op]) => op === Op.Pub) };
}

/** What a client connection may send (parser.go OP_START for `c.kind == CLIENT`). */
export const CLIENT_PROFILE: OpProfile = buildProfile([
  ["PUB", Op.Pub],
  ["HPUB", Op.Hpub],
  ["SUB", Op.Sub],
  ["UNSUB", Op.Unsub],
  ["CONNECT", Op.Connect],
  ["INFO", Op.Info],
  ["-ERR", Op.Err],
  ["+OK", Op.Ok],
  ["PING", Op.Ping],
  ["PONG", Op.Pong],
  ["HMSG", Op.ClientHmsg],
]);

/** What a route connection may send (parser.go OP_START for `c.kind == ROUTER`). */
export const ROUTE_PROFILE: OpProfile = buildProfile([
  ["RS+", Op.RsPlus],
  ["RS-", Op.RsMinus],
  ["LS+", Op.LsPlus],
  ["LS-", Op.LsMinus],
  ["RMSG", Op.Rmsg],
  ["HMSG", Op.RouteHmsg],
  ["LMSG", Op.Lmsg],
  ["CONNECT", Op.Connect],
  ["INFO", Op.Info],
  ["-ERR", Op.Err],
  ["+OK", Op.Ok],
  ["PING", Op.Ping],
  ["PONG", Op.Pong],
]);

/** Whether `op` carries a payload routed between servers (RMSG, route HMSG, LMSG, leaf msgs). */
export function isRoutedMsgOp(op: Op): boolean {
  return (op >= Op.Rmsg && op <= Op.Lmsg) || op === Op.LeafLmsg || op === Op.LeafHmsg;
}

/** What a gateway connection may send (parser.go OP_START for `c.kind == GATEWAY`). */
export const GATEWAY_PROFILE: OpProfile = buildProfile([
  ["RS+", Op.RsPlus],
  ["RS-", Op.RsMinus],
  ["A+", Op.AccountSub],
  ["A-", Op.AccountUnsub],
  ["RMSG", Op.Rmsg],
  ["HMSG", Op.RouteHmsg],
  ["CONNECT", Op.Connect],
  ["INFO", Op.Info],
  ["-ERR", Op.Err],
  ["+OK", Op.Ok],
  ["PING", Op.Ping],
  ["PONG", Op.Pong],
]);

/** What a leafnode connection may send (parser.go OP_START for `c.kind == LEAF`). */
export const LEAF_PROFILE: OpProfile = buildProfile([
  ["LS+", Op.LsPlus],
  ["LS-", Op.LsMinus],
  ["LMSG", Op.LeafLmsg],
  ["HMSG", Op.LeafHmsg],
  ["CONNECT", Op.Connect],
  ["INFO", Op.Info],
  ["-ERR", Op.Err],
  ["+OK", Op.Ok],
  ["PING", Op.Ping],
  ["PONG", Op.Pong],
]);

/**
 * @module
 * Gateway-routed replies on a leaf server without gateways (client.go deliverMsg trackGWReply,
 * handleGWReplyMap with leafnode.go's `_GR_.>` entry in `gwLeafSubs` for a solicited link): a
 * request that crossed a gateway reaches the leaf's client without its
 * `_GR_.<cluster>.<server>.` reply prefix, and the client's response on the plain reply goes to
 * the hub on the routed subject, which the hub sends to the origin cluster.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the leaf links.
 */
import type { Account } from "../../accounts/account.ts";
import type { MsgOp, RoutedMsgOp } from "../../protocol/sink.ts";
import type { GatewayForwarder } from "../../routing/fan_out.ts";
import type { Kind } from "../../routing/receiver.ts";
import {
  GW_SUBJECT_OFFSET,
  OLD_GW_SUBJECT_OFFSET,
  RoutedReply,
  routedReplyKind,
} from "../gateway/gateway_hash.ts";
import { rewriteOp } from "../gateway/gateway_ops.ts";
import { ReplyMappings } from "../gateway/gateway_replies.ts";

const dec = new TextDecoder();

/** Reply routing of a leaf (spoke) server that has no gateways itself. */
export class LeafGatewayReplies implements GatewayForwarder {
  readonly collectQueues = false;
  readonly #now: () => number;
  /** Sends `op` to the hub links of `account`; true when one took it. */
  readonly #toHubs: (account: Account, op: MsgOp) => boolean;
  readonly #replies = new ReplyMappings();

  constructor(now: () => number, toHubs: (account: Account, op: MsgOp) => boolean) {
    this.#now = now;
    this.#toHubs = toHubs;
  }

  /** No gateways here. */
  send(_account: Account, _op: MsgOp, _servedQueues: string[]): boolean {
    return false;
  }

  /** No gateways here: a routed reply is an ordinary subject. */
  routedReply(_from: Kind, _op: RoutedMsgOp): boolean {
    return false;
  }

  replyOffset(buf: Uint8Array, start: number, end: number): number {
    const kind = routedReplyKind(buf, start, end);
    if (kind === RoutedReply.None) return 0;
    return kind === RoutedReply.New ? GW_SUBJECT_OFFSET : OLD_GW_SUBJECT_OFFSET;
  }

  trackReply(account: Account, buf: Uint8Array, start: number, end: number, offset: number): void {
    this.#replies.track(account.name, dec.decode(buf.subarray(start, end)), offset, this.#now());
  }

  /** A response on a tracked plain reply: to the hub on the routed subject. */
  publishReply(account: Account, op: MsgOp): boolean {
    if (!this.#replies.active) return false;
    const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
    const routed = this.#replies.lookup(account.name, subject, this.#now());
    if (routed === null) return false;
    this.#toHubs(account, rewriteOp(op, routed, null));
    return true;
  }

  interested(_account: Account, _subject: string): boolean {
    return false;
  }
}

/**
 * @module
 * The gateway part of a shard of a sharded server whose link worker runs gateways (client.go
 * deliverMsg / handleGWReplyMap, as in {@link GatewayRouter} for one isolate): a request that
 * came through a gateway reaches the shard's client without its `_GR_.<cluster>.<server>.`
 * reply prefix, and the client's response on the plain reply is published on the routed
 * subject, which the link worker takes from the shards (`_GR_.>` mesh interest) and sends to
 * the origin cluster. The shard sends nothing to gateways itself.
 * PURE: no Deno APIs, timers or console output. Runs in a shard worker.
 */
import type { Account } from "../../accounts/account.ts";
import type { MsgOp, RoutedMsgOp } from "../../protocol/sink.ts";
import type { FanOut, GatewayForwarder } from "../../routing/fan_out.ts";
import { Kind } from "../../routing/receiver.ts";
import {
  GW_SUBJECT_OFFSET,
  OLD_GW_SUBJECT_OFFSET,
  RoutedReply,
  routedReplyKind,
} from "./gateway_hash.ts";
import { rewriteOp } from "./gateway_ops.ts";
import { ReplyMappings } from "./gateway_replies.ts";

const dec = new TextDecoder();

/**
 * Routed replies hidden from this isolate's clients, where the gateways themselves are elsewhere
 * (a shard of a sharded server, or a leaf server without gateways): requests reach clients
 * without the `_GR_.` prefix, and a response on a tracked plain reply is handed to `sendRouted`
 * on the routed subject.
 */
export class HiddenGatewayReplies implements GatewayForwarder {
  readonly collectQueues = false;
  readonly #now: () => number;
  readonly #sendRouted: (account: Account, op: MsgOp) => boolean;
  readonly #replies = new ReplyMappings();

  constructor(now: () => number, sendRouted: (account: Account, op: MsgOp) => boolean) {
    this.#now = now;
    this.#sendRouted = sendRouted;
  }

  /** The gateways are elsewhere: nothing is sent to them from here. */
  send(_account: Account, _op: MsgOp, _servedQueues: string[]): boolean {
    return false;
  }

  /** Routed replies arrive through whoever holds the gateways, which handled their prefix. */
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

  /** A response on a tracked plain reply: sent on the routed subject. */
  publishReply(account: Account, op: MsgOp): boolean {
    if (!this.#replies.active) return false;
    const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
    const routed = this.#replies.lookup(account.name, subject, this.#now());
    if (routed === null) return false;
    return this.#sendRouted(account, rewriteOp(op, routed, null));
  }

  /** Internal senders here do not need the gateways' interest. */
  interested(_account: Account, _subject: string): boolean {
    return false;
  }
}

/** Reply routing of gateways in a shard: responses go to the link worker through the mesh. */
export class ShardGatewayReplies extends HiddenGatewayReplies {
  constructor(fanOut: FanOut, now: () => number) {
    super(now, (account, op) => {
      fanOut.deliver(Kind.Client, account, op, null, null);
      return true;
    });
  }
}

/**
 * @module
 * Gateway-routed replies on a leaf server without gateways (client.go deliverMsg trackGWReply,
 * handleGWReplyMap with leafnode.go's `_GR_.>` entry in `gwLeafSubs` for a solicited link): a
 * request that crossed a gateway reaches the leaf's client without its
 * `_GR_.<cluster>.<server>.` reply prefix, and the client's response on the plain reply goes to
 * the hub on the routed subject, which the hub sends to the origin cluster. In the link worker
 * of a sharded leaf the shards hide and map the replies themselves (`ShardGatewayReplies`) and
 * send the responses here through the mesh: those go to the hubs.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the leaf links.
 */
import type { Account } from "../../accounts/account.ts";
import type { MsgOp } from "../../protocol/sink.ts";
import { RoutedReply, routedReplyKind } from "../gateway/gateway_hash.ts";
import { HiddenGatewayReplies } from "../gateway/shard_replies.ts";

/** Reply routing of a leaf (spoke) server that has no gateways itself. */
export class LeafGatewayReplies extends HiddenGatewayReplies {
  readonly #toHubs: (account: Account, op: MsgOp) => boolean;
  readonly #fromShard: (() => boolean) | null;

  /**
   * `toHubs` sends `op` to the hub links of `account`; true when one took it. `fromShard` (a
   * sharded server's link worker): whether the message being routed came from a shard.
   */
  constructor(
    now: () => number,
    toHubs: (account: Account, op: MsgOp) => boolean,
    fromShard: (() => boolean) | null = null,
  ) {
    super(now, toHubs);
    this.#toHubs = toHubs;
    this.#fromShard = fromShard;
  }

  /** Link worker: a shard's response on a routed reply subject goes to the hubs. */
  override send(account: Account, op: MsgOp, _servedQueues: string[]): boolean {
    if (this.#fromShard === null || !this.#fromShard()) return false;
    if (routedReplyKind(op.argBuf, op.subjectStart, op.subjectEnd) === RoutedReply.None) {
      return false;
    }
    return this.#toHubs(account, op);
  }
}

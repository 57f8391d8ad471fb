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
import type { MsgOp } from "../../protocol/sink.ts";
import { HiddenGatewayReplies } from "../gateway/shard_replies.ts";

/** Reply routing of a leaf (spoke) server that has no gateways itself. */
export class LeafGatewayReplies extends HiddenGatewayReplies {
  /** `toHubs` sends `op` to the hub links of `account`; true when one took it. */
  constructor(now: () => number, toHubs: (account: Account, op: MsgOp) => boolean) {
    super(now, toHubs);
  }
}

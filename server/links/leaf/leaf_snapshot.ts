/**
 * @module
 * Two read-only views of leafnode state: the interest a link must announce when it registers
 * (nats-server leafnode.go initLeafNodeSmapAndSendSubs: local subscriptions, announced internal
 * ones and import response routers; routes' interest only for a link we are the hub of;
 * other leafs' interest under the relay rule), and `/leafz` entries (monitor.go Leafz).
 * PURE: no Deno APIs, timers or console output. Runs where the leaf links are.
 */
import type { Account } from "../../accounts/account.ts";
import type { LeafInfo } from "../../monitor/types.ts";
import { formatRtt } from "../../monitor/format.ts";
import { Kind } from "../../routing/receiver.ts";
import type { LeafLink } from "./leaf_link.ts";
import { leafKey, LOOP_DETECTION_PREFIX } from "./leaf_protocol.ts";
import { leafMayRelay } from "./leaf_sub_map.ts";

/** Interest keys of `account` that `link` must announce, with their counts (queue weights). */
export function accountInterest(account: Account, link: LeafLink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of account.sublist.all()) {
    const owner = e.owner;
    if (owner === link) continue;
    switch (owner.kind) {
      case Kind.Client:
      case Kind.Import:
      case Kind.Peer: // a link worker: the shards' subscriptions
        break;
      case Kind.Internal:
        if ((e as { local?: boolean }).local) continue;
        break;
      case Kind.Route:
        if (link.spoke) continue;
        break;
      case Kind.Leaf:
      case Kind.Hub: {
        const loop = e.subject.startsWith(LOOP_DETECTION_PREFIX);
        if (!leafMayRelay(owner as LeafLink, link, loop)) continue;
        break;
      }
      default:
        continue;
    }
    const key = leafKey(e.subject, e.queue);
    const n = e.queue !== null && e.weight > 0 ? e.weight : 1;
    counts.set(key, (counts.get(key) ?? 0) + n);
  }
  return counts;
}

/** `/leafz` entries of registered links, filtered by account (`acc`), with `subs`. */
export function leafInfos(
  links: Iterable<LeafLink>,
  opts: { subs: boolean; account: string },
): LeafInfo[] {
  const out: LeafInfo[] = [];
  for (const l of links) {
    const account = l.account?.name ?? "";
    if (opts.account !== "" && account !== opts.account) continue;
    const info: LeafInfo = {
      account,
      ip: l.remoteHost,
      port: l.remotePort,
      rtt: formatRtt(l.rttMs),
      in_msgs: l.inMsgs,
      out_msgs: l.outMsgs,
      in_bytes: l.inBytes,
      out_bytes: l.outBytes,
      subscriptions: l.subs.size,
    };
    if (opts.subs && l.subs.size > 0) {
      info.subscriptions_list = [...l.subs.entries()].map((e) => e.subject);
    }
    out.push(info);
  }
  return out;
}

/**
 * @module
 * `/leafz` and the leafnode parts of `/varz` in a sharded server: the link worker describes its
 * leafnode links as plain data (every account, with subscriptions), the main isolate answers
 * each query from it (account filter and `subs` applied as `LeafManager.leafz` does). Worker
 * side: {@link leafData}; main side: {@link leafMonitor}.
 */
import type { LeafInfo, LinkMonitor } from "../monitor/types.ts";

/** The link worker's leafnodes as structured-cloneable data. */
export interface LeafData {
  leafs: LeafInfo[];
  port: number;
}

/** The leafnode data of a worker's links, or undefined without leafnodes. */
export function leafData(links: LinkMonitor): LeafData | undefined {
  const leafs = links.leafs?.({ subs: true, account: "" });
  if (leafs === undefined) return undefined;
  return { leafs, port: links.boundPort?.("leafnodes") ?? 0 };
}

/**
 * The leafnode part of a {@link LinkMonitor} over a link worker's {@link LeafData}.
 *
 * @example
 * ```ts
 * import { leafMonitor } from "./leaf_snapshot.ts";
 * const leaf = {
 *   account: "A", ip: "127.0.0.1", port: 1, rtt: "1ms", in_msgs: 0, out_msgs: 0, in_bytes: 0,
 *   out_bytes: 0, subscriptions: 1, subscriptions_list: ["foo"],
 * };
 * const m = leafMonitor({ leafs: [leaf], port: 7422 });
 * if (m.leafs!({ subs: false, account: "" })[0].subscriptions_list) throw new Error("subs");
 * if (m.leafs!({ subs: true, account: "B" }).length !== 0) throw new Error("account");
 * if (m.boundPort!("leafnodes") !== 7422) throw new Error("port");
 * ```
 */
export function leafMonitor(data: LeafData): LinkMonitor {
  return {
    leafs: (opts) =>
      data.leafs.filter((l) => opts.account === "" || l.account === opts.account).map((l) => {
        const out = { ...l };
        if (!opts.subs) delete out.subscriptions_list;
        return out;
      }),
    boundPort: (section) => (section === "leafnodes" ? data.port : 0),
  };
}

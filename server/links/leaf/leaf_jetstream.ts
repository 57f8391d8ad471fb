/**
 * @module
 * JetStream across a leafnode link (nats-server 2.9.10 leafnode.go addLeafNodeConnection):
 * which JetStream subjects a link denies, which `$JS.<domain>.API.>` mappings the account
 * serves, and the notices logged. JetStream "extends" over a link only for the system account
 * when both sides have the same domain; a non-system account always denies `$JS.API.>`,
 * `$KV.>` and `$OBJ.>` (the shared system account carries that traffic, or it has no business
 * crossing), and reaches another domain's JetStream through `$JS.<domain>.API.>` instead.
 * PURE: no Deno APIs, timers or console output.
 */
import type { Account } from "../../accounts/account.ts";
import type { LeafServer } from "./leaf_host.ts";
import type { LeafLink } from "./leaf_link.ts";
import { DENY_ALL_CLIENT_JS } from "./leaf_protocol.ts";

/** jetstream_api.go denyAllJs: what the system account denies when JetStream is not extended. */
export const DENY_ALL_JS: readonly string[] = ["$JSC.>", "$NRG.>", ...DENY_ALL_CLIENT_JS];

/** `extension_hint` value that says a server without JetStream will extend a domain. */
export const JS_WILL_EXTEND = "will_extend";

/** What addLeafNodeConnection knows when it decides. */
export interface LeafJetStreamInput {
  /** The account the link is bound to. */
  account: string;
  /** Whether that account is this server's system account. */
  isSystemAccount: boolean;
  /** Whether this server has a system account at all. */
  hasSystemAccount: boolean;
  /** JetStream enabled here (opts.JetStream). */
  jetStream: boolean;
  /** This server's `domain` ("" = none). */
  domain: string;
  /** This server's `extension_hint`. */
  extensionHint: string;
  /** The domain the other side announced (INFO or CONNECT `domain`). */
  remoteDomain: string;
  /** The other server's name, `name/cluster` when it is in a cluster. */
  remoteServer: string;
}

/** What the link must do. */
export interface LeafJetStreamPlan {
  /** Subjects denied in both directions. */
  denyBoth: readonly string[];
  /** Subjects never sent over the link (our own domain's API). */
  denyOutgoing: readonly string[];
  /** Notices logged with the link's prefix, in order. */
  notices: string[];
  /** Notices logged by the system account's internal client (`SYSTEM - ...`). */
  systemNotices: string[];
}

/**
 * jetstream_api.go generateJSMappingTable: `$JS.<domain>.API.*` sources and their targets, in
 * a fixed order (nats-server walks a Go map, so its order varies).
 *
 * @example
 * ```ts
 * import { domainMappings } from "./leaf_jetstream.ts";
 * domainMappings("hub")[0]; // ["$JS.hub.API.INFO", "$JS.API.INFO"]
 * ```
 */
export function domainMappings(domain: string): [string, string][] {
  const table: [string, string][] = [
    ["INFO", "$JS.API.INFO"],
    ["STREAM.>", "$JS.API.STREAM.>"],
    ["CONSUMER.>", "$JS.API.CONSUMER.>"],
    ["DIRECT.>", "$JS.API.DIRECT.>"],
    ["META.>", "$JS.API.META.>"],
    ["SERVER.>", "$JS.API.SERVER.>"],
    ["ACCOUNT.>", "$JS.API.ACCOUNT.>"],
    ["$KV.>", "$KV.>"],
    ["$OBJ.>", "$OBJ.>"],
  ];
  return table.map(([suffix, to]) => [`$JS.${domain}.API.${suffix}`, to]);
}

/** Go's `%+v` of a string slice. */
function goList(list: readonly string[]): string {
  return `[${list.join(" ")}]`;
}

/**
 * The JetStream side of registering a leafnode link (addLeafNodeConnection, without the
 * per-account default domains of `jetstream.default_domains`, not supported).
 *
 * @example
 * ```ts
 * import { leafJetStreamPlan } from "./leaf_jetstream.ts";
 * const plan = leafJetStreamPlan({
 *   account: "$G", isSystemAccount: false, hasSystemAccount: true, jetStream: true,
 *   domain: "hub", extensionHint: "", remoteDomain: "leaf", remoteServer: "L",
 * });
 * plan.denyOutgoing; // ["$JS.hub.API.>"]
 * ```
 */
export function leafJetStreamPlan(i: LeafJetStreamInput): LeafJetStreamPlan {
  const notices: string[] = [];
  const systemNotices: string[] = [];
  let denyBoth: readonly string[] = [];
  let blockOutgoing = false;
  const jsOffHere = !i.jetStream && i.domain === "" && i.extensionHint !== JS_WILL_EXTEND;
  if (i.domain !== i.remoteDomain || jsOffHere || !i.hasSystemAccount) {
    // Different domains (or no JetStream/system account here): nothing extends.
    if (i.isSystemAccount) {
      notices.push(`System Account Connected from ${i.remoteServer}`);
      notices.push(`JetStream Not Extended, adding denies ${goList(DENY_ALL_JS)}`);
      denyBoth = DENY_ALL_JS;
    } else {
      notices.push(
        `JetStream Not Extended, adding deny ${goList(DENY_ALL_CLIENT_JS)} for account ${
          JSON.stringify(i.account)
        }`,
      );
      denyBoth = DENY_ALL_CLIENT_JS;
    }
    blockOutgoing = true;
  } else if (i.isSystemAccount) {
    systemNotices.push(
      `Extending JetStream domain ${
        JSON.stringify(i.remoteDomain)
      } as System Account connected from server ${i.remoteServer}`,
    );
  } else {
    // Same domain: the shared system account carries `$JS.API.>` (or it has no business here).
    notices.push(
      `Adding deny ${goList(DENY_ALL_CLIENT_JS)} for account ${JSON.stringify(i.account)}`,
    );
    denyBoth = DENY_ALL_CLIENT_JS;
  }
  const denyOutgoing: string[] = [];
  if (i.domain !== "" && !i.isSystemAccount && i.jetStream) {
    for (const [src, to] of domainMappings(i.domain)) {
      notices.push(
        `Adding JetStream Domain Mapping ${JSON.stringify(src)} -> ${to} to account ${
          JSON.stringify(i.account)
        }`,
      );
    }
    if (blockOutgoing) {
      // Requests for our own domain never leave through this link (a hub and a spoke with
      // the same domain name by mistake).
      const src = `$JS.${i.domain}.API.>`;
      denyOutgoing.push(src);
      notices.push(
        `Adding deny ${JSON.stringify(src)} for outgoing messages to account ${
          JSON.stringify(i.account)
        }`,
      );
    }
  }
  return { denyBoth, denyOutgoing, notices, systemNotices };
}

/** Registering `link` (bound to `account`): its JetStream denies, and the notices logged. */
export function applyLeafJetStream(s: LeafServer, link: LeafLink, account: Account): void {
  const js = s.options.jetstreamConfig;
  const system = s.system?.account ?? null;
  const remote = link.remoteServer;
  const cluster = link.remoteCluster;
  const plan = leafJetStreamPlan({
    account: account.name,
    isSystemAccount: account === system,
    hasSystemAccount: system !== null,
    jetStream: js?.enabled ?? false,
    domain: js?.domain ?? "",
    extensionHint: js?.extensionHint ?? "",
    remoteDomain: link.remoteDomain,
    remoteServer: cluster === "" ? remote : `${remote}/${cluster}`,
  });
  if (plan.denyBoth.length) link.denyBoth(plan.denyBoth);
  if (plan.denyOutgoing.length) link.denyOutgoing(plan.denyOutgoing);
  for (const line of plan.systemNotices) s.logger.notice(`SYSTEM - ${line}`);
  for (const line of plan.notices) s.logger.notice(`${link.logPrefix} - ${line}`);
}

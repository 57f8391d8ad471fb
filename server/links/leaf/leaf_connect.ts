/**
 * @module
 * The accepting side's checks of a leafnode CONNECT once it authenticated (nats-server
 * leafnode.go processLeafNodeConnect), in nats-server's order: a client on the leafnode port,
 * a leaf with our cluster name, a gateway on the leafnode port, a version under `min_version`.
 * Each refusal carries the `-ERR` text, the close reason, and whether the connection first
 * gets our INFO and waits 5 s (min_version). Also the soliciting side's CONNECT
 * (leafnode.go sendLeafConnect).
 * PURE: no Deno APIs, timers or console output.
 */
import * as wire from "../../protocol/wire_errors.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import { leafConnectJson, type LeafConnectMessage } from "./leaf_protocol.ts";
import type { LeafServer } from "./leaf_host.ts";
import type { LeafLink } from "./leaf_link.ts";
import { SERVER_VERSION } from "../../version.ts";
import { versionAtLeast } from "./leaf_options.ts";

/** Why a CONNECT is refused. */
export interface ConnectRefusal {
  /** The `-ERR` text (also logged at error level). */
  readonly text: string;
  readonly reason: CloseReason;
  /** min_version: send our INFO first and close after a wait (leafNodeWaitBeforeClose). */
  readonly delayed: boolean;
}

/**
 * The refusal of CONNECT `c` on a server whose cluster is `cluster` ("" = none) and whose
 * `min_version` is `minVersion` ("" = any); null when the leaf may register.
 *
 * @example
 * ```ts
 * import { checkLeafConnect } from "./leaf_connect.ts";
 * if (checkLeafConnect({ lang: "go" }, "", "")?.reason !== "Incorrect Port") throw new Error();
 * if (checkLeafConnect({ version: "2.9.10", cluster: "B" }, "A", "2.9.0") !== null) throw 1;
 * ```
 */
export function checkLeafConnect(
  c: LeafConnectMessage,
  cluster: string,
  minVersion: string,
): ConnectRefusal | null {
  if (c.lang) {
    return {
      text: wire.ERR_CONNECTED_TO_LEAFNODE_PORT.text,
      reason: CloseReason.WrongPort,
      delayed: false,
    };
  }
  if (cluster !== "" && c.cluster && c.cluster === cluster) {
    return {
      text: wire.ERR_LEAFNODE_SAME_CLUSTER_NAME.text,
      reason: CloseReason.ClusterNamesIdentical,
      delayed: false,
    };
  }
  if (c.gateway) {
    return {
      text: wire.gatewayOnLeafnodePort(c.gateway),
      reason: CloseReason.WrongGateway,
      delayed: false,
    };
  }
  if (minVersion !== "" && !versionAtLeast(c.version ?? "", minVersion)) {
    return {
      text: wire.leafnodeMinVersion(minVersion),
      reason: CloseReason.MinimumVersionRequired,
      delayed: true,
    };
  }
  return null;
}

/** Signs the hub's nonce with a credentials file: the JWT and signature, or the error text. */
export type CredentialsSigner = (
  path: string,
  nonce: string,
) => { jwt: string; sig: string } | { error: string };

/**
 * The CONNECT of a solicited link (sendLeafConnect): credentials first, else the dialed URL's
 * user info, else the first user info of the remote's URLs; `deny_imports` as `deny_pub`.
 */
export function solicitedConnectJson(
  s: LeafServer,
  link: LeafLink,
  cluster: string,
  sign: CredentialsSigner,
): string {
  const remote = link.remote!;
  const url = link.url;
  let jwt = "";
  let sig = "";
  let user = url && url.user !== "" ? url.user : remote.username;
  let pass = url && url.user !== "" ? url.pass : remote.password;
  const creds = remote.config.credentials;
  if (creds !== "") {
    s.logger.debug(`${link.logPrefix} - Authenticating with credentials file "${creds}"`);
    const signed = sign(creds, link.nonce);
    if ("error" in signed) s.logger.error(`${link.logPrefix} - ${signed.error}`);
    else ({ jwt, sig } = signed);
    user = pass = "";
  }
  return leafConnectJson({
    version: SERVER_VERSION,
    jwt,
    sig,
    user,
    pass,
    tls_required: link.tls,
    server_id: s.id,
    name: s.name,
    is_hub: remote.config.hub,
    cluster,
    headers: !s.options.noHeaderSupport,
    // The bound account has JetStream (jetStreamConfigured); `domain` is this server's.
    jetstream: (s.jetstream?.account(link.account?.name ?? "")?.limits ?? null) !== null,
    domain: s.options.jetstreamConfig?.domain ?? "",
    deny_pub: remote.config.denyImports,
  });
}

/**
 * @module
 * The system account's stream moves on the meta leader (nats-server 2.9.10 jetstream_api.go
 * `jsLeaderServerStreamMoveRequest`, `jsLeaderServerStreamCancelMoveRequest`):
 * `$JS.API.ACCOUNT.STREAM.MOVE.<account>.<stream>` (`{"server","cluster","domain","tags"}`)
 * adds a server in the stream's cluster (else R servers of another cluster) after its members,
 * the named server first, and the stream then moves as after a placement update
 * (stream_move.ts); `CANCEL_MOVE` gives the stream its first R members back. Errors as
 * nats-server's: 10025, 10035, 10059, 10044, 10040, 10005, 10124 and 10129. The stream's leader
 * answers a move with the update's answer, in the system account.
 * IO shell: asks the stream's leader for its info (the 10124 text).
 */
import type { Account } from "../../accounts/account.ts";
import { jsApiError } from "../api/errors.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import { assignedConfig, assignedCreated, assignmentBody, groupWithPeers } from "./assignment.ts";
import { EntryOp } from "./entries.ts";
import type { JsCluster } from "./js_cluster.ts";
import type { StreamAssignment } from "./meta_state.ts";
import { selectPeers } from "./placement.ts";
import { type MoveInfo, moveProgressText } from "./stream_move.ts";

type Json = Record<string, unknown>;
const TYPE = "io.nats.jetstream.api.v1.stream_update_response";
const dec = new TextDecoder();

function fail(name: Parameters<typeof jsApiError>[0], args = {}): Json {
  return { type: TYPE, error: jsApiError(name, args) };
}

/** Every member of the stream is offline. */
export function streamOffline(c: JsCluster, sa: StreamAssignment): boolean {
  const online = new Set(c.peers.candidates().filter((p) => p.online).map((p) => p.id));
  return sa.group.peers.every((p) => !online.has(p));
}

/** How far a move got (10124's text), from the stream leader's info. */
export async function moveProgress(
  c: JsCluster,
  account: Account,
  sa: StreamAssignment,
): Promise<string> {
  const peers = sa.group.peers.length;
  if (streamOffline(c, sa)) return moveProgressText(peers, null, true);
  try {
    const m = await c.accountConn(account).request(`$JS.API.STREAM.INFO.${sa.name}`, "", {
      timeoutMs: 2000,
    });
    const info = JSON.parse(dec.decode(m.data)) as { cluster?: MoveInfo };
    return moveProgressText(peers, info.cluster ?? null, false);
  } catch (err) {
    return moveProgressText(peers, null, false, err instanceof Error ? err.message : String(err));
  }
}

/** The account and stream a request names, or its error answer. */
function target(
  c: JsCluster,
  subject: string,
): { account: Account; sa: StreamAssignment; config: StreamConfig } | { error: Json } {
  const t = subject.split(".");
  const account = c.account(t[5] ?? "");
  if (account === undefined) return { error: fail("JSNoAccountErr") };
  const sa = c.state.stream(account.name, t[6] ?? "");
  const config = sa === undefined ? null : assignedConfig(sa);
  if (sa === undefined || config === null) return { error: fail("JSStreamNotFoundErr") };
  return { account, sa, config };
}

/** The members' server names as Go prints a `[]string` (`[a b]`). */
function names(c: JsCluster, peers: readonly string[]): string {
  return `[${peers.map((p) => c.nameOf(p) || p).join(" ")}]`;
}

/** Proposes the stream's new members; its leader answers `reply` in the system account. */
function propose(
  c: JsCluster,
  sa: StreamAssignment,
  config: StreamConfig,
  peers: string[],
  reply: string,
) {
  const preferred = sa.group.peers.length === 1 ? peers[0] : "";
  const body = assignmentBody({
    account: sa.account,
    config,
    group: groupWithPeers(sa, peers, preferred),
    created: assignedCreated(sa),
    subject: "",
    reply,
    replyAccount: c.systemAccount,
  });
  c.propose(EntryOp.UpdateStream, body);
}

/** `ACCOUNT.STREAM.MOVE`: the answer, or null when the stream's leader answers. */
export async function streamMove(
  c: JsCluster,
  subject: string,
  body: string,
  reply: string,
): Promise<Json | null> {
  let req: { server?: unknown; cluster?: unknown; tags?: unknown };
  try {
    req = JSON.parse(body) ?? {};
  } catch {
    return fail("JSInvalidJSONErr");
  }
  const server = typeof req.server === "string" ? req.server : "";
  const cluster = typeof req.cluster === "string" ? req.cluster : "";
  const found = target(c, subject);
  if ("error" in found) return found.error;
  const { account, sa, config } = found;
  const current = [...sa.group.peers];
  await c.peers.refresh();
  const candidates = c.peers.candidates();
  if (server !== "") {
    const clusterOf = new Map(candidates.map((p) => [p.id, p.cluster]));
    const src = c.metaPeers().find((id) =>
      c.nameOf(id) === server && (cluster === "" || clusterOf.get(id) === cluster)
    );
    if (src === undefined) return fail("JSClusterServerNotMemberErr");
    const at = current.indexOf(src);
    if (at < 0) return fail("JSClusterPeerNotMemberErr");
    current.splice(at, 1);
    current.unshift(src);
  }
  const tags = [
    ...(config.placement?.tags ?? []),
    ...(Array.isArray(req.tags) ? req.tags.filter((t): t is string => typeof t === "string") : []),
  ];
  const r = config.num_replicas;
  const home = sa.group.cluster || c.clusterName;
  // One more member in the stream's cluster (the named one goes), else R in another.
  let sel = selectPeers(
    { replicas: r + 1, cluster: home, tags, existing: current },
    candidates,
    Math.random,
  );
  let peers = "peers" in sel && sel.peers.length > r ? sel.peers : null;
  for (const other of c.peers.clustersFrom(home).slice(1)) {
    if (peers !== null) break;
    sel = selectPeers({ replicas: r, cluster: other, tags }, candidates, Math.random);
    if ("peers" in sel) peers = [...current, ...sel.peers];
  }
  if (peers === null) {
    const err = "error" in sel ? sel.error : "no suitable peers for placement";
    return fail("JSClusterNoPeersErrF", { err });
  }
  if (r !== sa.group.peers.length) {
    return fail("JSStreamMoveInProgressF", { msg: await moveProgress(c, account, sa) });
  }
  c.notice(
    `Requested move for stream '${sa.name} > ${sa.account}' R=${r} from ${names(c, current)} to ${
      names(c, peers)
    }`,
  );
  propose(c, sa, config, peers, reply);
  return null;
}

/** `ACCOUNT.STREAM.CANCEL_MOVE`: the answer, or null when the stream's leader answers. */
export function cancelMove(c: JsCluster, subject: string, reply: string): Json | null {
  const found = target(c, subject);
  if ("error" in found) return found.error;
  const { sa, config } = found;
  const r = config.num_replicas;
  if (sa.group.peers.length <= r) return fail("JSStreamMoveNotInProgress");
  const peers = sa.group.peers.slice(0, r);
  // A move by tags: the old members may not carry them, so the placement goes.
  const tags = config.placement?.tags ?? [];
  const byId = new Map(c.peers.candidates().map((p) => [p.id, p.tags]));
  const fits = peers.every((p) => tags.every((t) => byId.get(p)?.includes(t)));
  const cfg = fits ? config : { ...config, placement: undefined };
  c.notice(
    `Requested cancel of move: R=${r} '${sa.name} > ${sa.account}' to peer set ${
      names(c, sa.group.peers)
    } and restore previous peer set ${names(c, peers)}`,
  );
  propose(c, sa, cfg, peers, reply);
  return null;
}

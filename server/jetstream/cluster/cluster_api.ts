/**
 * @module
 * Who answers each `$JS.API` request in a JetStream cluster (nats-server 2.9.10
 * jetstream_api.go with `JetStreamIsClustered`, jetstream_cluster.go `jsClusteredStreamRequest`,
 * `jsClusteredStreamUpdateRequest`, `jsClusteredStreamDeleteRequest`,
 * `jsClusteredStreamListRequest`): every JetStream server gets every request; account info,
 * stream create, update, delete, names and list are the meta leader's (a create, update or
 * delete is proposed to the meta group and answered by the stream's leader once applied); the
 * operations on one stream and its consumers are answered by that stream's leader, a missing
 * stream by the meta leader. Everyone else stays silent ({@link NO_ANSWER}). Answers get the
 * `cluster` member (and stream info its `alternates`).
 * Runs in the isolate that owns the streams.
 */
import { jsApiError } from "../api/errors.ts";
import { isEmptyRequest, parsePagedRequest } from "../api/api_types.ts";
import { streamCreateCheck, streamUpdateCheck } from "../api/stream_requests.ts";
import type { StreamRequestContext } from "../api/stream_requests.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import { subjectsCollide } from "../api/_subjects.ts";
import {
  type JetStream,
  type JsAccount,
  type JsApiRequest,
  NO_ANSWER,
  NOT_ENABLED_FOR_ACCOUNT,
} from "../jetstream.ts";
import { goTimeNs, msToNs } from "../js_time.ts";
import { response, streamOp, T } from "../stream/api_common.ts";
import type { StreamEngine } from "../stream/engine.ts";
import { LIST_LIMIT, NAMES_LIMIT } from "../stream/stream_api.ts";
import { nodeId } from "../../raft/mod.ts";
import { EntryOp } from "./entries.ts";
import type { JsCluster } from "./js_cluster.ts";
import { groupName, selectPeers, selectPeersIn } from "./placement.ts";
import { assignedConfig, assignedCreated, assignmentBody, groupWithPeers } from "./assignment.ts";
import { removeServer, removeStreamPeer } from "./peer_remove.ts";
import { isMoveRequest, movePeerSet } from "./stream_move.ts";
import { moveProgress, streamOffline } from "./account_move.ts";

type Reply = Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

/** Operations only the meta leader answers (with the stream name, when they carry one). */
const META_OPS = ["STREAM.CREATE", "STREAM.UPDATE", "STREAM.DELETE"];
/** Operations on one stream (or its consumers): its leader answers. */
const STREAM_OPS = [
  "STREAM.INFO",
  "STREAM.PURGE",
  "STREAM.MSG.GET",
  "STREAM.MSG.DELETE",
  "STREAM.SNAPSHOT",
  "STREAM.LEADER.STEPDOWN",
];
const CONSUMER_PREFIX =
  /^CONSUMER\.(?:DURABLE\.CREATE|CREATE|INFO|DELETE|NAMES|LIST|MSG\.NEXT|LEADER\.STEPDOWN)\.([^.]+)/;
const dec = new TextDecoder();

/** The account's assigned streams' configs, by name. */
function assignedStreams(c: JsCluster, account: string): StreamConfig[] {
  const out: StreamConfig[] = [];
  for (const sa of c.state.streams()) {
    if (sa.account !== account) continue;
    const cfg = assignedConfig(sa);
    if (cfg !== null) out.push(cfg);
  }
  return out;
}

function requestContext(c: JsCluster, engine: StreamEngine, jsa: JsAccount): StreamRequestContext {
  const ctx = engine.requestContext(engine.accountOf(jsa));
  return { ...ctx, streams: assignedStreams(c, jsa.account.name), standalone: false };
}

/** The assignment body of a request (its subject and reply are answered by the leader). */
function requestAssignment(
  req: JsApiRequest,
  config: StreamConfig,
  group: Record<string, unknown>,
  created: string,
) {
  return assignmentBody({
    account: req.jsa.account.name,
    config,
    group,
    created,
    subject: req.msg.subject,
    reply: req.msg.reply,
  });
}

/**
 * Where a new stream (or a moved one) goes (createGroupForStream): the placement's cluster, else
 * the requester's, then the others.
 */
async function placeNew(c: JsCluster, req: JsApiRequest, cfg: StreamConfig) {
  await c.peers.refresh();
  const want = { replicas: cfg.num_replicas, tags: cfg.placement?.tags ?? [] };
  const clusters = cfg.placement?.cluster
    ? [cfg.placement.cluster]
    : c.peers.clustersFrom(c.peers.requesterCluster(req.jsa.account, req.msg.reply));
  return selectPeersIn(want, clusters, c.peers.candidates(), Math.random);
}

async function create(
  c: JsCluster,
  engine: StreamEngine,
  req: JsApiRequest,
  name: string,
): Promise<Record<string, unknown>> {
  const jsa = req.jsa;
  if (jsa.limits === null) return response(T.create, NOT_ENABLED_FOR_ACCOUNT);
  const r = streamCreateCheck(name, req.msg.string(), requestContext(c, engine, jsa));
  if ("error" in r) return response(T.create, r.error);
  if (r.existed) {
    // The stream's leader answers with its info as a create response (no did_create).
    c.accountConn(jsa.account).publish(`$JS.API.STREAM.INFO.${name}`, "", {
      reply: req.msg.reply,
      headers: { "Nats-Response-Type": "create" },
    });
    return NO_ANSWER;
  }
  const cfg = r.config;
  const sel = await placeNew(c, req, cfg);
  if ("error" in sel) {
    return response(T.create, jsApiError("JSClusterNoPeersErrF", { err: sel.error }));
  }
  const group = {
    name: groupName("S", sel.peers.length, cfg.storage, Math.random),
    peers: sel.peers,
    store: cfg.storage,
    cluster: sel.cluster,
    preferred: sel.peers[0],
  };
  c.propose(EntryOp.AssignStream, requestAssignment(req, cfg, group, goTimeNs(msToNs(Date.now()))));
  return NO_ANSWER;
}

/** The stream's current leader (asked of the stream, as nats-server asks `$JSC.SI`). */
async function currentLeader(c: JsCluster, req: JsApiRequest, name: string): Promise<string> {
  try {
    const m = await c.accountConn(req.jsa.account).request(`$JS.API.STREAM.INFO.${name}`, "", {
      timeoutMs: 2000,
    });
    const info = JSON.parse(dec.decode(m.data)) as { cluster?: { leader?: string } };
    const leader = info.cluster?.leader ?? "";
    return leader === "" ? "" : nodeId(leader);
  } catch {
    return "";
  }
}

async function update(
  c: JsCluster,
  engine: StreamEngine,
  req: JsApiRequest,
  name: string,
): Promise<Record<string, unknown>> {
  const jsa = req.jsa;
  if (jsa.limits === null) return response(T.update, NOT_ENABLED_FOR_ACCOUNT);
  const sa = c.state.stream(jsa.account.name, name);
  if (sa === undefined) return response(T.update, jsApiError("JSStreamNotFoundErr"));
  const r = streamUpdateCheck(name, req.msg.string(), requestContext(c, engine, jsa));
  if ("error" in r) return response(T.update, r.error);
  const cfg = r.config;
  let peers = [...sa.group.peers];
  let preferred = "";
  const was = assignedConfig(sa);
  const move = was !== null && isMoveRequest(was, cfg);
  if (move && was.num_replicas !== peers.length) {
    const msg = await moveProgress(c, req.jsa.account, sa);
    return response(T.update, jsApiError("JSStreamMoveInProgressF", { msg }));
  }
  if (move && cfg.num_replicas !== was.num_replicas) {
    return response(T.update, jsApiError("JSStreamMoveAndScaleErr"));
  }
  if (move && cfg.num_replicas === was.num_replicas) {
    // The new members after the old ones (placed as a new stream would be).
    const sel = await placeNew(c, req, cfg);
    if ("error" in sel) {
      return response(T.update, jsApiError("JSClusterNoPeersErrF", { err: sel.error }));
    }
    const moving = movePeerSet(peers, sel.peers);
    if (peers.length === 1) preferred = moving[0];
    peers = moving;
  } else if (cfg.num_replicas > peers.length) {
    await c.peers.refresh();
    const sel = selectPeers(
      {
        replicas: cfg.num_replicas,
        cluster: sa.group.cluster || c.clusterName,
        tags: cfg.placement?.tags ?? [],
        existing: peers,
      },
      c.peers.candidates(),
      Math.random,
    );
    if ("error" in sel) {
      return response(T.update, jsApiError("JSClusterNoPeersErrF", { err: sel.error }));
    }
    preferred = peers.length === 1 ? peers[0] : "";
    peers = sel.peers;
  } else if (cfg.num_replicas < peers.length) {
    // The leader stays (nats-server asks the stream who leads it).
    const leader = await currentLeader(c, req, name);
    const rest = peers.filter((p) => p !== leader);
    peers = (leader !== "" && peers.includes(leader) ? [leader, ...rest] : peers)
      .slice(0, cfg.num_replicas);
  }
  // The assignment keeps its creation time.
  const created = assignedCreated(sa) || goTimeNs(msToNs(Date.now()));
  const body = requestAssignment(req, cfg, groupWithPeers(sa, peers, preferred), created);
  c.propose(EntryOp.UpdateStream, body);
  return NO_ANSWER;
}

function remove(c: JsCluster, req: JsApiRequest, name: string): Reply {
  const jsa = req.jsa;
  if (jsa.limits === null) return response(T.delete, NOT_ENABLED_FOR_ACCOUNT);
  if (!isEmptyRequest(req.msg.string())) {
    return response(T.delete, jsApiError("JSNotEmptyRequestErr"));
  }
  const sa = c.state.stream(jsa.account.name, name);
  if (sa === undefined) return response(T.delete, jsApiError("JSStreamNotFoundErr"));
  const cfg = assignedConfig(sa);
  if (cfg === null) return response(T.delete, jsApiError("JSStreamNotFoundErr"));
  const body = requestAssignment(req, cfg, groupWithPeers(sa, sa.group.peers), assignedCreated(sa));
  c.propose(EntryOp.RemoveStream, body);
  return NO_ANSWER;
}

/** STREAM.NAMES and STREAM.LIST from the assignments (a list asks each stream's leader). */
async function listing(
  c: JsCluster,
  req: JsApiRequest,
  names: boolean,
): Promise<Record<string, unknown>> {
  const type = names ? T.names : T.list;
  const empty = { total: 0, offset: 0, limit: 0, streams: names ? null : [] };
  if (req.jsa.limits === null) return response(type, NOT_ENABLED_FOR_ACCOUNT, empty);
  const parsed = parsePagedRequest(req.msg.string());
  if ("error" in parsed) return response(type, parsed.error, empty);
  const filter = parsed.request.subject;
  const all = assignedStreams(c, req.jsa.account.name)
    .filter((s) => filter === "" || (s.subjects ?? []).some((x) => subjectsCollide(filter, x)))
    .map((s) => s.name)
    .sort();
  const total = all.length;
  const offset = Math.min(Math.max(parsed.request.offset, 0), total);
  const limit = names ? NAMES_LIMIT : LIST_LIMIT;
  const page = all.slice(offset, offset + limit);
  if (names) {
    return response(type, null, { total, offset, limit, streams: page.length ? page : null });
  }
  const conn = c.accountConn(req.jsa.account);
  const missing: string[] = [];
  const infos = await Promise.all(page.map(async (name) => {
    try {
      const m = await conn.request(`$JS.API.STREAM.INFO.${name}`, "", { timeoutMs: 4000 });
      const info = JSON.parse(dec.decode(m.data)) as Record<string, unknown>;
      if ("error" in info) throw new Error("no info");
      delete info.type;
      delete info.total;
      delete info.offset;
      delete info.limit;
      return info;
    } catch {
      missing.push(name);
      return null;
    }
  }));
  const streams = infos.filter((i) => i !== null);
  const out = response(type, null, { total, offset, limit, streams });
  if (missing.length > 0) out.missing = missing.sort();
  return out;
}

/** The stream an operation on one stream (or one of its consumers) names, or null. */
function streamOfOp(op: string): string | null {
  for (const prefix of STREAM_OPS) {
    const name = streamOp(op, prefix);
    if (name !== null) return name;
  }
  return CONSUMER_PREFIX.exec(op)?.[1] ?? null;
}

/** Answers the clustered API decisions (see the module doc); null lets the local handlers answer. */
export function clusterApiHandler(c: JsCluster, engine: StreamEngine) {
  return (req: JsApiRequest): Reply => {
    const op = req.op;
    const leader = c.isMetaLeader;
    if (op === "INFO") return leader ? null : NO_ANSWER;
    if (op === "STREAM.NAMES" || op === "STREAM.LIST") {
      return leader ? listing(c, req, op === "STREAM.NAMES") : NO_ANSWER;
    }
    for (const prefix of META_OPS) {
      const name = streamOp(op, prefix);
      if (name === null) continue;
      if (!leader) return NO_ANSWER;
      if (prefix === "STREAM.CREATE") return create(c, engine, req, name);
      if (prefix === "STREAM.UPDATE") return update(c, engine, req, name);
      return remove(c, req, name);
    }
    if (op.startsWith("STREAM.TEMPLATE.") || op.startsWith("STREAM.RESTORE.")) {
      return leader ? notInCluster(op) : NO_ANSWER;
    }
    // The system account's subscription (js_cluster.ts); an account's request reaches it too
    // in nats-server 2.9.10 (through the account's `$JS.API.>` import).
    if (op === "META.LEADER.STEPDOWN") {
      return leader ? c.metaStepDown(req.msg.string()) : NO_ANSWER;
    }
    if (op === "SERVER.REMOVE") return leader ? removeServer(c, req.msg.string()) : NO_ANSWER;
    const peerRemove = streamOp(op, "STREAM.PEER.REMOVE");
    if (peerRemove !== null) return leader ? removeStreamPeer(c, req, peerRemove) : NO_ANSWER;
    const name = streamOfOp(op);
    if (name === null) return leader ? null : NO_ANSWER;
    const sa = c.state.stream(req.jsa.account.name, name);
    if (sa === undefined) return leader ? null : NO_ANSWER;
    const r = c.replica(req.jsa.account.name, name);
    if (leader && streamOp(op, "STREAM.INFO") !== null && streamOffline(c, sa)) {
      // jsStreamInfoRequest: every member of the stream is offline.
      return response(T.info, jsApiError("JSStreamOfflineErr"), { total: 0, offset: 0, limit: 0 });
    }
    if (r === undefined || !r.isLeader) return NO_ANSWER;
    if (streamOp(op, "STREAM.LEADER.STEPDOWN") !== null) {
      if (!isEmptyRequest(req.msg.string())) {
        return response(T.leaderStepdown, jsApiError("JSBadRequestErr"));
      }
      r.stepDown();
      return response(T.leaderStepdown, null, { success: true });
    }
    const consumerStepdown = /^CONSUMER\.LEADER\.STEPDOWN\.[^.]+\.([^.]+)$/.exec(op);
    if (consumerStepdown !== null) {
      // A consumer runs on its stream's leader: it moves with the stream's leadership.
      const type = "io.nats.jetstream.api.v1.consumer_leader_stepdown_response";
      const consumer = engine.stream(req.jsa.account.name, name)?.consumers.get(
        consumerStepdown[1],
      );
      if (consumer === undefined) return response(type, jsApiError("JSConsumerNotFoundErr"));
      if (!isEmptyRequest(req.msg.string())) return response(type, jsApiError("JSBadRequestErr"));
      r.stepDown();
      return response(type, null, { success: true });
    }
    return null;
  };
}

/** None of the stream's members is online (as the meta leader sees them). */

/** Operations denats does not run in a cluster yet. */
function notInCluster(op: string): Record<string, unknown> {
  const type = op.startsWith("STREAM.TEMPLATE.")
    ? "io.nats.jetstream.api.v1.stream_template_create_response"
    : "io.nats.jetstream.api.v1.stream_restore_response";
  return response(type, jsApiError("JSClusterUnSupportFeatureErr"));
}

/** Adds `cluster` (and stream info's `alternates`) to the answers of a clustered server. */
export function clusterDecorator(c: JsCluster, js: JetStream) {
  return (req: JsApiRequest, out: Record<string, unknown>): void => {
    const type = out.type;
    const account = req.jsa.account.name;
    if (type === "io.nats.jetstream.api.v1.account_info_response" && !("error" in out)) {
      out.streams = assignedStreams(c, account).length;
      return;
    }
    const cfg = out.config as { name?: string } | undefined;
    if (cfg === undefined || "error" in out) return;
    if (type === T.info || type === T.create || type === T.update) {
      insertAfter(out, "state", "cluster", c.streamCluster(account, cfg.name ?? ""));
      if (type === T.info) {
        const alt = alternates(c, account, cfg.name ?? "", js.config.domain);
        if (alt !== null) out.alternates = alt;
      }
      return;
    }
    const stream = out.stream_name;
    if (typeof stream === "string" && typeof type === "string" && type.includes("consumer_")) {
      insertBefore(out, "push_bound", "cluster", c.streamCluster(account, stream));
    }
  };
}

/** nats-server streamAlternates: the stream and its mirrors (none when it has no mirror). */
function alternates(c: JsCluster, account: string, name: string, domain: string) {
  const out: Record<string, unknown>[] = [];
  for (const sa of c.state.streams()) {
    if (sa.account !== account) continue;
    const cfg = assignedConfig(sa);
    if (cfg === null || (cfg.name !== name && cfg.mirror?.name !== name)) continue;
    const a: Record<string, unknown> = { name: cfg.name };
    if (domain !== "") a.domain = domain;
    a.cluster = sa.group.cluster || c.clusterName;
    out.push(a);
  }
  return out.length > 1 ? out : null;
}

/** Sets `key` right after `after` (at the end when `after` is absent), keeping the order. */
function insertAfter(o: Record<string, unknown>, after: string, key: string, value: unknown) {
  const keys = Object.keys(o);
  const i = keys.indexOf(after);
  reorder(o, i < 0 ? keys.length : i + 1, key, value);
}

function insertBefore(o: Record<string, unknown>, before: string, key: string, value: unknown) {
  const keys = Object.keys(o);
  const i = keys.indexOf(before);
  reorder(o, i < 0 ? keys.length : i, key, value);
}

function reorder(o: Record<string, unknown>, at: number, key: string, value: unknown): void {
  const keys = Object.keys(o).filter((k) => k !== key);
  const tail = keys.slice(at).map((k) => [k, o[k]] as const);
  for (const [k] of tail) delete o[k];
  delete o[key];
  o[key] = value;
  for (const [k, v] of tail) o[k] = v;
}

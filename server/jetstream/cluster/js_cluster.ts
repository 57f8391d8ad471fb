/**
 * @module
 * Clustered JetStream on one server (nats-server 2.9.10 jetstream_cluster.go
 * `enableJetStreamClustering`, `setupMetaGroup`, `monitorCluster`, `applyMetaEntries`,
 * `processStreamAssignment`, `processClusterCreateStream`, `processClusterDeleteStream`,
 * `processStreamLeaderChange`): the meta group (a {@link RaftHost} over the system account,
 * its log under `<store_dir>/jetstream/$SYS/_js_/_meta_`) holding every stream assignment in a
 * {@link MetaState}; the streams this server was placed on, each with a {@link StreamReplica}
 * whose leader takes the stream's messages and runs its consumers; and the answers the new
 * leaders send (create, update, delete). The API decisions live in cluster_api.ts.
 * IO shell: runs in the isolate that owns the connections (a single-isolate server).
 */
import type { Account } from "../../accounts/account.ts";
import {
  InternalConnection,
  type InternalContext,
  InternalKind,
} from "../../internal/internal_connection.ts";
import { marshal } from "../../monitor/format.ts";
import {
  type Entry,
  EntryType,
  META_GROUP,
  nodeId,
  RaftNode,
  RaftState,
  type RaftTiming,
} from "../../raft/mod.ts";
import { FileLog } from "../../raft/file/file_log.ts";
import { parseJson } from "../api/go_json.ts";
import type { JetStream } from "../jetstream.ts";
import { msToNs, parseGoTimeNs } from "../js_time.ts";
import { response, T } from "../stream/api_common.ts";
import type { StreamEngine } from "../stream/engine.ts";
import type { Stream } from "../stream/stream.ts";
import { saveConsumerRecord } from "./consumer_records.ts";
import { decodeJsonEntry, encodeJsonEntry, type EntryOp, goJsonText, member } from "./entries.ts";
import { MetaState, type StreamAssignment } from "./meta_state.ts";
import { assignedConfig, assignedCreated, assignmentBody, groupWithPeers } from "./assignment.ts";
import { RaftHost } from "./raft_host.ts";
import { StreamReplica } from "./stream_replica.ts";
import { EntryOp as Op } from "./entries.ts";
import { clusterInfoOf, type PeerView } from "./cluster_info.ts";
import { PeerDirectory } from "./peer_directory.ts";
import { MetaPeers } from "./meta_peers.ts";
import { encodeSnappyLiterals } from "../store/archive/snappy_block.ts";
import { LeaderRequests } from "./leader_requests.ts";

/** Options of a {@link JsCluster}. */
export interface JsClusterOptions {
  ctx: InternalContext;
  system: Account;
  js: JetStream;
  engine: StreamEngine;
  serverName: string;
  clusterName: string;
  tags: readonly string[];
  /** The resolved store directory (`<store_dir>/jetstream`). */
  storeDir: string;
  /** Configured route URLs and other clusters' gateway URLs: the meta group's expected size. */
  routeCount: number;
  gatewayUrls?: number;
  /** The remote cluster a reply would go to through a gateway (null: none). */
  remoteCluster?(account: Account, reply: string): string | null;
  /** Server names of the servers routed to now. */
  routedNames(): Iterable<string>;
  /** Looks an account up (registering it, as a client of it would). */
  bindAccount?(name: string): Account;
  notice(text: string): void;
  warn(text: string): void;
  metaTiming?: Partial<RaftTiming>;
  streamTiming?: Partial<RaftTiming>;
}

const key = (account: string, name: string) => `${account}\u0000${name}`;

/** A create or update answer waiting for the stream's replica to lead. */
interface PendingAnswer {
  reply: string;
  type: "create" | "update";
  /** A create answer with `did_create`. */
  created: boolean;
  /** The account the answer goes in ("" for the stream's). */
  account?: string;
  at: number;
}
/** Applied meta entries between two compactions of the meta log. */
const META_SNAPSHOT_EVERY = 256;
/** A create or update answer waits this long for the replica to lead. */
const ANSWER_TTL_MS = 30_000;

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Clustered JetStream of one server (see the module doc). */
export class JsCluster {
  readonly state = new MetaState();
  /** This server's node id. */
  readonly self: string;
  readonly #o: JsClusterOptions;
  readonly #log: FileLog;
  readonly #host: RaftHost;
  readonly #bootstrapping: boolean;
  readonly #replicas = new Map<string, StreamReplica>();
  readonly #answers = new Map<string, PendingAnswer[]>();
  readonly #conns = new Map<string, InternalConnection>();
  readonly #directory: PeerDirectory;
  /** The meta group's members: names, clusters, tags, liveness. */
  readonly peers: MetaPeers;
  /** System-account requests only the meta leader serves. */
  readonly #sysConn: InternalConnection;
  readonly #leaderRequests: LeaderRequests;
  #leader = "";
  /** Meta entries applied since the last meta snapshot. */
  #metaApplied = 0;
  #routeWait: ReturnType<typeof setInterval> | undefined;
  #bootCheck: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(o: JsClusterOptions) {
    this.#o = o;
    this.self = nodeId(o.serverName);
    this.#log = new FileLog(`${o.storeDir}/$SYS/_js_/${META_GROUP}`);
    this.#bootstrapping = this.#log.lastIndex() === 0 && this.#log.peerState() === undefined;
    const node = new RaftNode({
      group: META_GROUP,
      id: this.self,
      peers: [this.self],
      clusterSize: Math.max(2, o.routeCount + (o.gatewayUrls ?? 0)),
      log: this.#log,
      random: Math.random,
      timing: o.metaTiming,
    });
    this.#sysConn = new InternalConnection(o.ctx, o.system, {
      kind: InternalKind.System,
      name: "js-meta-requests",
    });
    this.#leaderRequests = new LeaderRequests(this, this.#sysConn);
    this.#directory = new PeerDirectory(
      new InternalConnection(o.ctx, o.system, { kind: InternalKind.System, name: "js-peers" }),
      { name: o.serverName, cluster: o.clusterName, tags: [...o.tags], jetstream: true },
    );
    this.peers = new MetaPeers({
      self: this.self,
      serverName: o.serverName,
      clusterName: o.clusterName,
      tags: o.tags,
      routedNames: o.routedNames,
      remoteCluster: o.remoteCluster,
      members: () => this.#host.node.peers(),
      directory: this.#directory,
    });
    this.#host = new RaftHost({
      conn: new InternalConnection(o.ctx, o.system, { kind: InternalKind.System, name: "js-meta" }),
      node,
      apply: (_index, entries) => this.#applyMeta(entries),
      state: (s) => this.#onMetaState(s.state, s.leader),
      afterStep: () => this.#maybeSnapshotMeta(),
    });
  }

  /** Joins the meta group (campaigning once a route is up, when it is new). */
  start(): void {
    const o = this.#o;
    o.notice("Starting JetStream cluster");
    o.notice("Creating JetStream metadata controller");
    o.notice(
      this.#bootstrapping
        ? "JetStream cluster bootstrapping"
        : "JetStream cluster recovering state",
    );
    this.#directory.start();
    this.#host.start();
    if (!this.#bootstrapping) return;
    this.#bootCheck = setInterval(() => this.#checkBootSize(), 1000);
    Deno.unrefTimer(this.#bootCheck as unknown as number);
    this.#routeWait = setInterval(() => {
      if ([...o.routedNames()].length === 0) return;
      clearInterval(this.#routeWait);
      this.#routeWait = undefined;
      if (this.#host.node.state !== RaftState.Leader && this.#leader === "") {
        this.#host.command((n, now) => n.campaign(now));
      }
    }, 50);
    Deno.unrefTimer(this.#routeWait as unknown as number);
  }

  /** A cold boot among servers without JetStream: expect only the JetStream ones. */
  #checkBootSize(): void {
    const node = this.#host.node;
    if (node.leader !== "" || node.hadPreviousLeader) return clearInterval(this.#bootCheck);
    const size = this.peers.bootSize(node.clusterSize);
    if (size === null) return;
    const from = node.clusterSize;
    this.#o.notice(`Adjusting JetStream expected peer set size to ${size} from original ${from}`);
    node.adjustBootClusterSize(size);
  }

  /** Leaves every group (server shutdown); streams are stopped by the engine. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#routeWait);
    clearInterval(this.#bootCheck);
    for (const r of this.#replicas.values()) r.stop();
    this.#replicas.clear();
    this.#host.stop();
    this.#log.close();
    this.#directory.close();
    this.#sysConn.close();
    for (const c of this.#conns.values()) c.close();
  }

  /** This server leads the meta group. */
  get isMetaLeader(): boolean {
    return this.#host.node.state === RaftState.Leader;
  }

  /** The meta leader's node id ("" when none is known). */
  get metaLeader(): string {
    return this.#leader;
  }

  get clusterName(): string {
    return this.#o.clusterName;
  }

  get serverName(): string {
    return this.#o.serverName;
  }

  /** The server name of node `id` ("" when not known). */
  nameOf(id: string): string {
    return this.peers.nameOf(id);
  }

  /** The meta group's members (node ids). */
  metaPeers(): string[] {
    return [...this.#host.node.peers()].filter(([, p]) => p.known).map(([id]) => id);
  }

  /** Takes a server out of the meta group (SERVER.REMOVE). */
  removeMetaPeer(id: string): void {
    this.#host.command((n, now) => n.proposeRemovePeer(now, id));
  }

  /** Proposes a meta entry (through the leader). */
  propose(op: EntryOp, body: Record<string, unknown>): void {
    this.#host.propose(encodeJsonEntry({ op, body: parseJson(marshal(body)) }));
  }

  /** The local replica of a stream this server was placed on. */
  replica(account: string, name: string): StreamReplica | undefined {
    return this.#replicas.get(key(account, name));
  }

  /** Stream info's `cluster` for a local replica. */
  streamCluster(account: string, name: string): Record<string, unknown> {
    const r = this.#replicas.get(key(account, name));
    return clusterInfoOf(this.#peerView(), r?.host.node ?? null);
  }

  /**
   * nats-server healthz for clustered JetStream: the meta leader known and current, then every
   * stream of this server current; the problem's text, or null.
   */
  health(serverOnly: boolean): string | null {
    const now = Date.now();
    const meta = this.#host.node;
    if (meta.leader === "") return "JetStream has not established contact with a meta leader";
    if (!meta.isCurrent(now)) return "JetStream is not current with the meta leader";
    if (serverOnly) return null;
    for (const sa of this.state.streams()) {
      const r = this.#replicas.get(key(sa.account, sa.name));
      if (!sa.group.peers.includes(this.self)) continue;
      if (r === undefined || !r.host.node.isCurrent(now)) {
        return `JetStream stream '${sa.account} > ${sa.name}' is not current`;
      }
    }
    return null;
  }

  /** `/jsz` `meta_cluster` (nats-server MetaClusterInfo: replicas on the leader only). */
  metaCluster(): Record<string, unknown> {
    const node = this.#host.node;
    const leaderName = this.nameOf(this.#leader);
    const out: Record<string, unknown> = { name: this.#o.clusterName };
    if (leaderName !== "") out.leader = leaderName;
    out.peer = nodeId(leaderName);
    if (this.isMetaLeader) {
      const ci = clusterInfoOf(this.#peerView(), node);
      if (ci.replicas !== undefined) out.replicas = ci.replicas;
    }
    out.cluster_size = node.clusterSize;
    return out;
  }

  #peerView(): PeerView {
    return {
      clusterName: this.#o.clusterName,
      serverName: this.#o.serverName,
      self: this.self,
      nameOf: (id) => this.nameOf(id),
      now: Date.now(),
    };
  }

  #onMetaState(state: string, leader: string): void {
    this.#leaderRequests.set(state === RaftState.Leader);
    if (leader === this.#leader) return;
    this.#leader = leader;
    // Learn every member's name, cluster and tags early (placements and cluster infos).
    void this.peers.refresh().catch(() => {});
    if (state === RaftState.Leader) {
      this.#o.notice("Self is new JetStream cluster metadata leader");
    } else if (leader !== "") this.#o.notice(this.peers.leaderNotice(leader));
  }

  /** The system account's name (its requests are answered there). */
  get systemAccount(): string {
    return this.#o.system.name;
  }

  /** An account with JetStream here, by name. */
  account(name: string): Account | undefined {
    return this.#o.js.account(name)?.account;
  }

  notice(text: string): void {
    this.#o.notice(text);
  }

  /**
   * jsLeaderStepDownRequest on the meta leader: hands the meta group to another online member
   * (the answer is sent before the step-down takes effect).
   */
  metaStepDown(body = ""): Record<string, unknown> {
    const r = this.peers.stepDownTo(body);
    if (r.preferred !== null) {
      const preferred = r.preferred;
      queueMicrotask(() => {
        if (this.isMetaLeader) this.#host.stepDown(preferred);
      });
    }
    return r.answer;
  }

  #applyMeta(entries: Entry[]): void {
    this.#metaApplied += entries.length;
    for (const e of entries) {
      if (e.type === EntryType.Snapshot) {
        this.#applyMetaSnapshot(e.data);
        continue;
      }
      if (e.type !== EntryType.Normal || e.data.length === 0) continue;
      let reply = "";
      if (e.data[0] === Op.RemoveStream || e.data[0] === Op.AssignStream) {
        const body = decodeJsonEntry(e.data)?.body ?? null;
        reply = str(member(body, "reply"));
        // Two creates of one stream proposed before either applied: the first one stands
        // (nats-server reuses the inflight assignment).
        const name = str(member(member(body, "stream"), "name"));
        const account = str(member(member(body, "client"), "acc"));
        if (e.data[0] === Op.AssignStream && this.state.stream(account, name) !== undefined) {
          // Its leader answers the later create with the stream's info (no did_create).
          const r = this.#replicas.get(key(account, name));
          const s = this.#o.js.account(account) === undefined
            ? undefined
            : this.#o.engine.stream(account, name);
          if (reply !== "" && r !== undefined && s !== undefined) {
            if (r.isLeader) this.#answer(s, reply, "create", false);
            else this.#answerLater(key(account, name), { reply, type: "create", created: false });
          }
          continue;
        }
      }
      let changes;
      try {
        changes = this.state.apply(e.data);
      } catch (err) {
        this.#o.warn(`JetStream cluster could not apply a meta entry: ${String(err)}`);
        continue;
      }
      for (const c of changes) {
        if (c.kind === "stream-added" || c.kind === "stream-updated") this.#place(c.stream, c.kind);
        else if (c.kind === "stream-removed") this.#unplace(c.stream, reply, true);
      }
    }
  }

  /**
   * A meta snapshot (at start-up from our own compacted log, or the leader's when we were
   * behind): the assignments become the snapshot's, and the local replicas follow the streams
   * that came, went or changed.
   */
  #applyMetaSnapshot(data: Uint8Array): void {
    const shape = (sa: StreamAssignment) =>
      goJsonText(member(sa.body, "stream") ?? null) + goJsonText(member(sa.body, "group") ?? null);
    const before = new Map(
      [...this.state.streams()].map((sa) => [key(sa.account, sa.name), shape(sa)]),
    );
    let changes;
    try {
      changes = this.state.applySnapshot(data);
    } catch (err) {
      this.#o.warn(`JetStream cluster could not apply a meta snapshot: ${String(err)}`);
      return;
    }
    for (const c of changes) {
      if (c.kind === "stream-added") this.#place(c.stream, "stream-added");
      else if (c.kind === "stream-removed") this.#unplace(c.stream, "", true);
    }
    for (const sa of this.state.streams()) {
      const old = before.get(key(sa.account, sa.name));
      if (old !== undefined && old !== shape(sa)) this.#place(sa, "stream-updated");
    }
  }

  /**
   * After each meta step: every {@link META_SNAPSHOT_EVERY} applied entries the meta log is
   * compacted to a snapshot of the assignments (nats-server's metaSnapshot JSON in an S2 block).
   */
  #maybeSnapshotMeta(): void {
    if (this.#metaApplied < META_SNAPSHOT_EVERY || this.#stopped) return;
    this.#metaApplied = 0;
    const text = this.state.snapshotJson();
    const data = text === ""
      ? new Uint8Array(0)
      : encodeSnappyLiterals(new TextEncoder().encode(text));
    try {
      this.#host.node.installSnapshot(data);
    } catch { /* a leader catching a member up: the next time */ }
  }

  /** A stream assigned (or reassigned): its local replica follows. */
  #place(sa: StreamAssignment, kind: "stream-added" | "stream-updated"): void {
    const k = key(sa.account, sa.name);
    if (!sa.group.peers.includes(this.self)) {
      if (this.#replicas.has(k)) this.#unplace(sa, "", false);
      return;
    }
    // An account not in use here yet (a JWT account) is looked up, which enables its JetStream.
    if (this.#o.js.account(sa.account) === undefined) this.#o.bindAccount?.(sa.account);
    const jsa = this.#o.js.account(sa.account);
    const cfg = assignedConfig(sa);
    if (jsa === undefined || jsa.limits === null || cfg === null) {
      this.#o.warn(`JetStream cluster could not place stream '${sa.account} > ${sa.name}'`);
      return;
    }
    const engine = this.#o.engine;
    const a = engine.accountOf(jsa);
    let stream = a.streams.get(sa.name);
    const reply = str(member(sa.body, "reply"));
    const replyIn = str(member(sa.body, "reply_account"));
    try {
      if (stream === undefined) {
        const created = parseGoTimeNs(str(member(sa.body, "created"))) ?? msToNs(Date.now());
        stream = engine.createStream(a, cfg, created);
      } else if (kind === "stream-updated") {
        engine.updateStream(stream, cfg);
      }
    } catch (err) {
      this.#o.warn(`JetStream cluster error creating stream '${sa.account} > ${sa.name}': ${err}`);
      return;
    }
    const existing = this.#replicas.get(k);
    if (existing !== undefined) {
      existing.setPeers(sa.group.peers);
      if (reply !== "" && existing.isLeader) this.#answer(stream, reply, "update", true, replyIn);
      return;
    }
    if (reply !== "") {
      this.#answerLater(k, {
        reply,
        type: kind === "stream-added" ? "create" : "update",
        account: replyIn,
      });
    }
    const s = stream;
    const r = new StreamReplica({
      conn: new InternalConnection(this.#o.ctx, this.#o.system, {
        kind: InternalKind.System,
        name: `js-${sa.group.name}`,
      }),
      group: sa.group,
      self: this.self,
      logDir: `${this.#o.storeDir}/$SYS/_js_/${sa.group.name}`,
      stream: s,
      timing: this.#o.streamTiming,
      campaign: sa.group.preferred === this.self || sa.group.peers.length === 1,
      onLeader: (leading) => this.#onStreamLeader(s, k, leading),
      onConsumer: (rec) => saveConsumerRecord(s, rec),
      onMoved: (peers) => this.#moved(sa.account, sa.name, peers),
      notice: (text) => this.#o.notice(text),
      nameOf: (id) => this.nameOf(id),
      warn: (text) => this.#o.warn(text),
    });
    this.#replicas.set(k, r);
    r.start();
  }

  /** A move finished on this new leader: the assignment keeps `peers`, in this cluster. */
  #moved(account: string, name: string, peers: string[]): void {
    const sa = this.state.stream(account, name);
    const config = sa === undefined ? null : assignedConfig(sa);
    if (sa === undefined || config === null) return;
    const group = { ...groupWithPeers(sa, peers, this.self), cluster: this.#o.clusterName };
    const created = assignedCreated(sa);
    this.propose(
      Op.UpdateStream,
      assignmentBody({ account, config, group, created, subject: "", reply: "" }),
    );
    const names = peers.map((p) => this.nameOf(p) || p).join(" ");
    this.#o.notice(`Scaling down '${account} > ${name}' to [${names}]`);
  }

  #onStreamLeader(stream: Stream, k: string, leading: boolean): void {
    if (!leading) return;
    this.#o.notice(
      `JetStream cluster new stream leader for '${stream.account.name} > ${stream.name}'`,
    );
    const api = this.#o.engine.consumerApi;
    if (api) {
      api.recover(stream);
      this.#replicas.get(k)?.consumers.resume(stream, api, (text) => this.#o.warn(text));
    }
    const pending = this.#answers.get(k) ?? [];
    this.#answers.delete(k);
    for (const a of pending) {
      if (Date.now() - a.at < ANSWER_TTL_MS) {
        this.#answer(stream, a.reply, a.type, a.created, a.account);
      }
    }
  }

  /** An answer the stream's leader sends once this replica leads it. */
  #answerLater(k: string, a: Omit<PendingAnswer, "at" | "created"> & { created?: boolean }): void {
    const list = this.#answers.get(k) ?? [];
    list.push({ ...a, created: a.created ?? true, at: Date.now() });
    this.#answers.set(k, list);
  }

  /** A stream removed (or moved off this server): its replica and local copy go. */
  #unplace(sa: StreamAssignment, reply: string, removed: boolean): void {
    const k = key(sa.account, sa.name);
    const r = this.#replicas.get(k);
    const wasLeader = r?.isLeader ?? false;
    r?.remove();
    this.#replicas.delete(k);
    this.#answers.delete(k);
    const jsa = this.#o.js.account(sa.account);
    if (jsa === undefined || jsa.limits === null) return;
    const a = this.#o.engine.accountOf(jsa);
    const stream = a.streams.get(sa.name);
    const done = stream === undefined ? Promise.resolve() : this.#o.engine.deleteStream(a, stream);
    if (!removed || reply === "" || !wasLeader) return;
    void done.then(() =>
      this.#publish(sa.account, reply, response(T.delete, null, { success: true }))
    );
  }

  /** The create or update answer of a replica that leads its stream. */
  #answer(
    stream: Stream,
    reply: string,
    type: "create" | "update",
    created = true,
    account = "",
  ): void {
    const info: Record<string, unknown> = { ...stream.info({ domain: type !== "create" }) };
    const out = response(type === "create" ? T.create : T.update, null);
    for (const [k, v] of Object.entries(info)) {
      out[k] = v;
      if (k === "state") out.cluster = this.streamCluster(stream.account.name, stream.name);
    }
    if (type === "create" && created) out.did_create = true;
    this.#publish(account || stream.account.name, reply, out);
  }

  #publish(account: string, subject: string, body: Record<string, unknown>): void {
    if (account === this.#o.system.name) return void this.#sysConn.publish(subject, marshal(body));
    const jsa = this.#o.js.account(account);
    if (jsa !== undefined) this.accountConn(jsa.account).publish(subject, marshal(body));
  }

  /** A per-account connection for the API layer's internal requests (cluster_api.ts). */
  accountConn(account: Account): InternalConnection {
    let conn = this.#conns.get(account.name);
    if (conn === undefined) {
      conn = new InternalConnection(this.#o.ctx, account, { kind: InternalKind.JetStream });
      this.#conns.set(account.name, conn);
    }
    return conn;
  }
}

/**
 * @module
 * Stream assignment bodies as the meta leader proposes them (nats-server 2.9.10
 * jetstream_cluster.go `streamAssignment`: `client`, `created`, `stream`, `group`, `sync`,
 * `subject`, `reply`), for a create, an update, a delete and a replica moved by
 * `STREAM.PEER.REMOVE`, and the config an assignment carries. PURE: no Deno APIs, timers or console output.
 */
import { parseStreamConfig, type StreamConfig, streamConfigToJson } from "../api/stream_config.ts";
import { nodeId } from "../../raft/mod.ts";
import { goJsonText, member } from "./entries.ts";
import type { StreamAssignment } from "./meta_state.ts";

type Json = Record<string, unknown>;

/** An assignment body; `subject` and `reply` name the request its stream's leader answers. */
export function assignmentBody(o: {
  account: string;
  config: StreamConfig;
  group: Json;
  created: string;
  subject: string;
  reply: string;
  /**
   * The account the answer to `reply` goes in when not the stream's (the system account's
   * move requests; a denats field, nats-server answers every API request in that account).
   */
  replyAccount?: string;
}): Json {
  const body: Json = {
    client: { acc: o.account },
    created: o.created,
    stream: streamConfigToJson(o.config),
    group: o.group,
    sync: `$JSC.SYNC.${nodeId(String(Math.random()))}`,
    subject: o.subject,
    reply: o.reply,
  };
  if (o.replyAccount) body.reply_account = o.replyAccount;
  return body;
}

/** The `group` of an existing assignment with `peers` (and a preferred first leader). */
export function groupWithPeers(sa: StreamAssignment, peers: string[], preferred = ""): Json {
  const g: Json = { name: sa.group.name, peers, store: sa.group.store };
  if (sa.group.cluster) g.cluster = sa.group.cluster;
  if (preferred !== "") g.preferred = preferred;
  return g;
}

/** The stream config of an assignment (null when it does not parse). */
export function assignedConfig(sa: StreamAssignment): StreamConfig | null {
  const parsed = parseStreamConfig(goJsonText(member(sa.body, "stream") ?? null));
  return "config" in parsed ? parsed.config : null;
}

/** When the assignment's stream was created (Go time text; "" when it has none). */
export function assignedCreated(sa: StreamAssignment): string {
  const v = member(sa.body, "created");
  return typeof v === "string" ? v : "";
}

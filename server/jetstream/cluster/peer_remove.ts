/**
 * @module
 * Removing a server from a stream or from the cluster (nats-server 2.9.10 jetstream_api.go
 * `jsStreamRemovePeerRequest`, `jsLeaderServerRemoveRequest`; jetstream_cluster.go
 * `removePeerFromStream`, `remapStreamAssignment`), on the meta leader:
 * `$JS.API.STREAM.PEER.REMOVE.<stream>` with `{"peer":"<server name>"}` moves the stream's
 * replica off that server onto another online one (the group keeps its size; without a
 * replacement it shrinks and the answer is 10075 `peer remap failed`);
 * `$JS.API.SERVER.REMOVE` with `{"peer":"<server name>"}` or `{"peer_id":"<node id>"}` takes a
 * server out of the meta group. Errors in nats-server's order and texts.
 * Runs in the isolate that owns the streams.
 */
import { jsApiError } from "../api/errors.ts";
import { isEmptyRequest } from "../api/api_types.ts";
import { type JsApiRequest, NOT_ENABLED_FOR_ACCOUNT } from "../jetstream.ts";
import { response, T } from "../stream/api_common.ts";
import { nodeId } from "../../raft/mod.ts";
import { EntryOp } from "./entries.ts";
import { assignedConfig, assignedCreated, assignmentBody, groupWithPeers } from "./assignment.ts";
import type { JsCluster } from "./js_cluster.ts";
import { selectPeers } from "./placement.ts";
import type { StreamAssignment } from "./meta_state.ts";

type Json = Record<string, unknown>;

/** The request's JSON object, or the error nats-server answers a bad body with. */
function bodyOf(text: string): { body: Json } | { error: ReturnType<typeof jsApiError> } {
  if (isEmptyRequest(text)) return { error: jsApiError("JSBadRequestErr") };
  try {
    const v = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return { body: v as Json };
  } catch {
    return { error: jsApiError("JSInvalidJSONErr") };
  }
}

/** The assignment with `peers` as its group (no reply: nobody answers the move itself). */
function movedAssignment(sa: StreamAssignment, peers: string[]): Json | null {
  const config = assignedConfig(sa);
  if (config === null) return null;
  const group = groupWithPeers(sa, peers);
  const created = assignedCreated(sa);
  return assignmentBody({ account: sa.account, config, group, created, subject: "", reply: "" });
}

/** `STREAM.PEER.REMOVE.<stream>` on the meta leader. */
export async function removeStreamPeer(
  c: JsCluster,
  req: JsApiRequest,
  name: string,
): Promise<Json> {
  const type = T.removePeer;
  if (req.jsa.limits === null) return response(type, NOT_ENABLED_FOR_ACCOUNT);
  const parsed = bodyOf(req.msg.string());
  if ("error" in parsed) return response(type, parsed.error);
  const peer = (parsed.body as Json).peer;
  if (typeof peer !== "string" || peer === "") return response(type, jsApiError("JSBadRequestErr"));
  const sa = c.state.stream(req.jsa.account.name, name);
  if (sa === undefined) return response(type, jsApiError("JSStreamNotFoundErr"));
  const id = nodeId(peer);
  if (!sa.group.peers.includes(id)) return response(type, jsApiError("JSClusterPeerNotMemberErr"));
  const rest = sa.group.peers.filter((p) => p !== id);
  await c.peers.refresh();
  const sel = selectPeers(
    {
      replicas: sa.group.peers.length,
      cluster: sa.group.cluster || c.clusterName,
      tags: assignedConfig(sa)?.placement?.tags ?? [],
      existing: rest,
    },
    c.peers.candidates().filter((p) => p.id !== id),
    Math.random,
  );
  const peers = "peers" in sel ? sel.peers : rest;
  if (peers.length === 0) return response(type, jsApiError("JSPeerRemapErr"));
  const moved = movedAssignment(sa, peers);
  if (moved === null) return response(type, jsApiError("JSStreamNotFoundErr"));
  c.propose(EntryOp.UpdateStream, moved);
  if ("error" in sel) return response(type, jsApiError("JSPeerRemapErr"));
  return response(type, null, { success: true });
}

/** `$JS.API.SERVER.REMOVE` on the meta leader. */
export function removeServer(c: JsCluster, text: string): Json {
  const type = "io.nats.jetstream.api.v1.meta_server_remove_response";
  const parsed = bodyOf(text);
  if ("error" in parsed) return { type, error: parsed.error };
  const b = parsed.body as Json;
  const byId = typeof b.peer_id === "string" ? b.peer_id : "";
  const byName = typeof b.peer === "string" ? b.peer : "";
  const found = c.metaPeers().find((id) => byId !== "" ? id === byId : c.nameOf(id) === byName);
  if (found === undefined) return { type, error: jsApiError("JSClusterServerNotMemberErr") };
  c.removeMetaPeer(found);
  return { type, success: true };
}

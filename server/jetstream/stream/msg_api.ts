/**
 * @module
 * `$JS.API.STREAM.PURGE|MSG.GET|MSG.DELETE.<stream>` and the clustered-only operations as a
 * single nats-server 2.9.10 answers them (jetstream_api.go `jsStreamPurgeRequest`,
 * `jsMsgGetRequest`, `jsMsgDeleteRequest`; `STREAM.LEADER.STEPDOWN`, `STREAM.PEER.REMOVE` and
 * `CONSUMER.LEADER.STEPDOWN` answer "JetStream clustering support required";
 * `META.LEADER.STEPDOWN` and `SERVER.REMOVE` get no answer). Runs in the isolate that owns the
 * streams.
 */
import { jsApiError } from "../api/errors.ts";
import {
  isEmptyRequest,
  msgGetResponse,
  parseMsgDeleteRequest,
  parseMsgGetRequest,
  parsePurgeRequest,
} from "../api/api_types.ts";
import { type JsApiRequest, NOT_ENABLED_FOR_ACCOUNT } from "../jetstream.ts";
import { isStoreError, StoreErrorCode } from "../store/types.ts";
import { counted, response, streamOp, T } from "./api_common.ts";
import { lookupMsg } from "./direct_get.ts";
import { goTimeNs } from "../js_time.ts";
import type { StreamEngine } from "./engine.ts";

type Reply = Record<string, unknown> | null;
type Answer = Reply | Promise<Reply>;

/** The answer once a replicated stream's group committed the change (at once otherwise). */
function afterCommit(committed: Promise<unknown> | undefined, answer: Reply): Answer {
  return committed === undefined ? answer : committed.then(() => answer);
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function purge(engine: StreamEngine, req: JsApiRequest, name: string): Answer {
  const none = { purged: 0 };
  if (req.jsa.limits === null) return response(T.purge, NOT_ENABLED_FOR_ACCOUNT, none);
  const a = engine.accountOf(req.jsa);
  const parsed = parsePurgeRequest(req.msg.string());
  if ("error" in parsed) return response(T.purge, parsed.error, none);
  const { filter, seq, keep } = parsed.request ?? { filter: "", seq: 0, keep: 0 };
  const stream = a.streams.get(name);
  if (stream === undefined) return response(T.purge, jsApiError("JSStreamNotFoundErr"), none);
  if (stream.config.sealed) return response(T.purge, jsApiError("JSStreamSealedErr"), none);
  if (stream.config.deny_purge) {
    return response(
      T.purge,
      jsApiError("JSStreamPurgeFailedF", { err: "stream purge not permitted" }),
      none,
    );
  }
  try {
    const r = stream.apply({ op: "purge", filter, seq, keep });
    const purged = r.op === "purge" ? r.purged : 0;
    return afterCommit(r.committed, response(T.purge, null, { success: true, purged }));
  } catch (err) {
    const error = jsApiError("JSStreamGeneralErrorF", { err: errText(err) });
    return response(T.purge, error, none, "ok");
  }
}

function msgDelete(engine: StreamEngine, req: JsApiRequest, name: string): Answer {
  if (req.jsa.limits === null) return response(T.msgDelete, NOT_ENABLED_FOR_ACCOUNT);
  const a = engine.accountOf(req.jsa);
  const body = req.msg.string();
  if (isEmptyRequest(body)) return response(T.msgDelete, jsApiError("JSBadRequestErr"));
  const parsed = parseMsgDeleteRequest(body);
  if ("error" in parsed) return response(T.msgDelete, parsed.error);
  const r = parsed.request;
  const stream = a.streams.get(name);
  if (stream === undefined) return response(T.msgDelete, jsApiError("JSStreamNotFoundErr"));
  if (stream.config.sealed) return response(T.msgDelete, jsApiError("JSStreamSealedErr"));
  if (stream.config.deny_delete) {
    return response(
      T.msgDelete,
      jsApiError("JSStreamMsgDeleteFailedF", { err: "message delete not permitted" }),
    );
  }
  const seq = r.seq;
  let removed = false;
  let committed: Promise<unknown> | undefined;
  try {
    const res = stream.apply({ op: "delete", seq, erase: r.no_erase !== true });
    removed = res.op === "delete" && res.removed;
    committed = res.committed;
  } catch (err) {
    // nats-server's memory store reports a missing sequence as not removed; the file store
    // answers with its error text.
    const missing = isStoreError(err, StoreErrorCode.MsgNotFound) ||
      isStoreError(err, StoreErrorCode.EOF);
    if (!(missing && stream.config.storage === "memory")) {
      const error = jsApiError("JSStreamMsgDeleteFailedF", { err: errText(err) });
      return response(T.msgDelete, error, {}, "ok");
    }
  }
  if (!removed) {
    return response(T.msgDelete, jsApiError("JSSequenceNotFoundErrF", { seq }), {}, "ok");
  }
  return afterCommit(committed, response(T.msgDelete, null, { success: true }));
}

function msgGet(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  if (req.jsa.limits === null) return response(T.msgGet, NOT_ENABLED_FOR_ACCOUNT);
  const a = engine.accountOf(req.jsa);
  const parsed = parseMsgGetRequest(req.msg.string());
  if ("error" in parsed) return response(T.msgGet, parsed.error);
  const stream = a.streams.get(name);
  if (stream === undefined) return response(T.msgGet, jsApiError("JSStreamNotFoundErr"));
  try {
    const m = lookupMsg(stream.store, parsed.request);
    const msg = {
      subject: m.subject,
      seq: m.seq,
      hdrs: m.header ?? undefined,
      data: m.data,
      time: goTimeNs(m.ts),
    };
    // Sent outside the API layer: not counted (jsMsgGetRequest).
    return counted(msgGetResponse(msg), "none");
  } catch {
    return response(T.msgGet, jsApiError("JSNoMessageFoundErr"));
  }
}

const CLUSTER_ONLY: readonly [string, string, number][] = [
  ["STREAM.LEADER.STEPDOWN", T.leaderStepdown, 1],
  ["STREAM.PEER.REMOVE", T.removePeer, 1],
  ["CONSUMER.LEADER.STEPDOWN", "io.nats.jetstream.api.v1.consumer_leader_stepdown_response", 2],
];

/** Clustered-only operations: the answer of a server without clustering, or null. */
function clusterOnly(op: string): Reply {
  if (op === "META.LEADER.STEPDOWN" || op === "SERVER.REMOVE") return null;
  for (const [prefix, type, tokens] of CLUSTER_ONLY) {
    if (!op.startsWith(`${prefix}.`)) continue;
    const rest = op.slice(prefix.length + 1).split(".");
    if (rest.length !== tokens || rest.some((t) => t === "")) return null;
    return response(type, jsApiError("JSClusterRequiredErr"));
  }
  return null;
}

/** Answers purge, message get/delete and the clustered-only operations; null otherwise. */
export function msgApiHandler(engine: StreamEngine) {
  return (req: JsApiRequest): Answer => {
    const op = req.op;
    let name: string | null;
    if ((name = streamOp(op, "STREAM.PURGE")) !== null) return purge(engine, req, name);
    if ((name = streamOp(op, "STREAM.MSG.GET")) !== null) return msgGet(engine, req, name);
    if ((name = streamOp(op, "STREAM.MSG.DELETE")) !== null) return msgDelete(engine, req, name);
    return clusterOnly(op);
  };
}

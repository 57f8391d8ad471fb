/**
 * @module
 * `$JS.API.STREAM.CREATE|UPDATE|INFO|DELETE.<stream>`, `STREAM.NAMES` and `STREAM.LIST` on a
 * single server (nats-server 2.9.10 jetstream_api.go `jsStreamCreateRequest`,
 * `jsStreamUpdateRequest`, `jsStreamInfoRequest`, `jsStreamDeleteRequest`,
 * `jsStreamNamesRequest`, `jsStreamListRequest`), answering with its key order and errors.
 * Runs in the isolate that owns the streams.
 */
import { jsApiError } from "../api/errors.ts";
import { isEmptyRequest, parsePagedRequest, parseStreamInfoRequest } from "../api/api_types.ts";
import { streamCreateCheck, streamUpdateCheck } from "../api/stream_requests.ts";
import { subjectsCollide } from "../api/_subjects.ts";
import { type JsApiRequest, NOT_ENABLED_FOR_ACCOUNT } from "../jetstream.ts";
import { response, streamOp, T } from "./api_common.ts";
import type { AccountStreams, StreamEngine } from "./engine.ts";
import type { Stream } from "./stream.ts";

/** jetstream_api.go JSApiNamesLimit, JSApiListLimit, JSMaxSubjectDetails. */
export const NAMES_LIMIT = 1024;
export const LIST_LIMIT = 256;
export const MAX_SUBJECT_DETAILS = 100_000;

type Reply = Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

/** The request's account streams, or the 10039 answer when JetStream is off for it. */
function accountFor(engine: StreamEngine, req: JsApiRequest): AccountStreams | null {
  return req.jsa.limits === null ? null : engine.accountOf(req.jsa);
}

function create(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  const a = accountFor(engine, req);
  if (a === null) return response(T.create, NOT_ENABLED_FOR_ACCOUNT);
  const r = streamCreateCheck(name, req.msg.string(), engine.requestContext(a));
  if ("error" in r) return response(T.create, r.error);
  let stream = a.streams.get(r.config.name);
  const owner = r.config.template_owner ?? "";
  if (!r.existed && owner !== "" && !engine.templates.owns(a.account.name, owner, name)) {
    return response(
      T.create,
      jsApiError("JSStreamCreateErrF", { err: "stream not owned by template" }),
    );
  }
  if (!r.existed || stream === undefined) {
    try {
      stream = engine.createStream(a, r.config, engine.now());
    } catch {
      return response(
        T.create,
        jsApiError("JSStreamCreateErrF", { err: "error creating store for stream" }),
      );
    }
  }
  return response(T.create, null, { ...stream.info({ domain: false }), did_create: true });
}

function update(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  const a = accountFor(engine, req);
  if (a === null) return response(T.update, NOT_ENABLED_FOR_ACCOUNT);
  const r = streamUpdateCheck(name, req.msg.string(), engine.requestContext(a));
  if ("error" in r) return response(T.update, r.error);
  const stream = a.streams.get(name)!;
  try {
    engine.updateStream(stream, r.config);
  } catch (err) {
    return response(T.update, jsApiError("JSStreamUpdateErrF", { err: String(err) }));
  }
  return response(T.update, null, stream.info());
}

/** Per-subject counts of `stream` matching `filter`, sorted and paged from `offset`. */
function subjectDetails(stream: Stream, filter: string, offset: number) {
  const states = stream.store.subjectsState(filter);
  if (states.size === 0) return null;
  const names = [...states.keys()].sort();
  const start = Math.min(Math.max(offset, 0), names.length);
  const end = Math.min(start + MAX_SUBJECT_DETAILS, names.length);
  const details = new Map<string, number>();
  for (const n of names.slice(start, end)) details.set(n, states.get(n)!.msgs);
  return { details, offset: start, total: names.length };
}

function info(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  const type = req.msg.header("Nats-Response-Type") === "create" ? T.create : T.info;
  const paged = { total: 0, offset: 0, limit: 0 };
  const a = accountFor(engine, req);
  if (a === null) return response(type, NOT_ENABLED_FOR_ACCOUNT, paged);
  const parsed = parseStreamInfoRequest(req.msg.string());
  if ("error" in parsed) return response(type, parsed.error, paged);
  const { deleted_details: details, subjects_filter: filter, offset } = parsed.request;
  const stream = a.streams.get(name);
  if (stream === undefined) return response(type, jsApiError("JSStreamNotFoundErr"), paged);
  let subjects: Map<string, number> | null = null;
  if (filter !== "") {
    const d = subjectDetails(stream, filter, offset);
    if (d !== null) {
      subjects = d.details;
      paged.offset = d.offset;
      paged.limit = MAX_SUBJECT_DETAILS;
      paged.total = d.total;
    }
  }
  return response(type, null, { ...paged, ...stream.info({ details, subjects }) });
}

function remove(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  const a = accountFor(engine, req);
  if (a === null) return response(T.delete, NOT_ENABLED_FOR_ACCOUNT);
  if (!isEmptyRequest(req.msg.string())) {
    return response(T.delete, jsApiError("JSNotEmptyRequestErr"));
  }
  const stream = a.streams.get(name);
  if (stream === undefined) return response(T.delete, jsApiError("JSStreamNotFoundErr"));
  return engine.deleteStream(a, stream).then(() => response(T.delete, null, { success: true }));
}

/** The account's streams filtered by `subject` (acc.filteredStreams), sorted by name. */
function filtered(a: AccountStreams, subject: string): Stream[] {
  const all = a.sorted();
  if (subject === "") return all;
  return all.filter((s) => (s.config.subjects ?? []).some((x) => subjectsCollide(subject, x)));
}

function listing(engine: StreamEngine, req: JsApiRequest, names: boolean): Reply {
  const type = names ? T.names : T.list;
  const empty = { total: 0, offset: 0, limit: 0, streams: names ? null : [] };
  const a = accountFor(engine, req);
  if (a === null) return response(type, NOT_ENABLED_FOR_ACCOUNT, empty);
  const parsed = parsePagedRequest(req.msg.string());
  if ("error" in parsed) return response(type, parsed.error, empty);
  let { offset } = parsed.request;
  const streams = filtered(a, parsed.request.subject);
  const total = streams.length;
  if (offset > total) offset = total;
  if (offset < 0) offset = 0;
  const limit = names ? NAMES_LIMIT : LIST_LIMIT;
  const page = streams.slice(offset, offset + limit);
  const out = names
    ? (page.length === 0 ? null : page.map((s) => s.name))
    : page.map((s) => s.info());
  return response(type, null, { total, offset, limit, streams: out });
}

/** Answers the stream operations; null for any other operation. */
export function streamApiHandler(engine: StreamEngine) {
  return (req: JsApiRequest): Reply => {
    const op = req.op;
    if (op === "STREAM.NAMES") return listing(engine, req, true);
    if (op === "STREAM.LIST") return listing(engine, req, false);
    let name: string | null;
    if ((name = streamOp(op, "STREAM.CREATE")) !== null) {
      const a = req.jsa.limits === null ? null : engine.accountOf(req.jsa);
      const pending = a === null ? null : engine.settled(a, name);
      if (pending !== null) return pending.then(() => create(engine, req, name!));
      return create(engine, req, name);
    }
    if ((name = streamOp(op, "STREAM.UPDATE")) !== null) return update(engine, req, name);
    if ((name = streamOp(op, "STREAM.INFO")) !== null) return info(engine, req, name);
    if ((name = streamOp(op, "STREAM.DELETE")) !== null) return remove(engine, req, name);
    return null;
  };
}

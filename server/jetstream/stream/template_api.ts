/**
 * @module
 * `$JS.API.STREAM.TEMPLATE.CREATE|INFO|DELETE.<name>` and `STREAM.TEMPLATE.NAMES` (nats-server
 * 2.9.10 jetstream_api.go `jsTemplateCreateRequest`, `jsTemplateNamesRequest`,
 * `jsTemplateInfoRequest`, `jsTemplateDeleteRequest`), with its checks in its order, its key
 * order and its errors; templates themselves live in templates.ts. Runs in the isolate that owns
 * the streams.
 */
import { jsApiError } from "../api/errors.ts";
import { isEmptyRequest, parsePagedRequest } from "../api/api_types.ts";
import { type JsApiRequest, NOT_ENABLED_FOR_ACCOUNT } from "../jetstream.ts";
import { response } from "./api_common.ts";
import type { AccountStreams, StreamEngine } from "./engine.ts";
import { NAMES_LIMIT } from "./stream_api.ts";
import { parseTemplateConfig, StreamTemplate, templateJson } from "./templates.ts";

type Reply = Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

const T = {
  create: "io.nats.jetstream.api.v1.stream_template_create_response",
  names: "io.nats.jetstream.api.v1.stream_template_names_response",
  info: "io.nats.jetstream.api.v1.stream_template_info_response",
  delete: "io.nats.jetstream.api.v1.stream_template_delete_response",
} as const;

const PREFIX = "STREAM.TEMPLATE.";

function accountFor(engine: StreamEngine, req: JsApiRequest): AccountStreams | null {
  return req.jsa.limits === null ? null : engine.accountOf(req.jsa);
}

function info(t: StreamTemplate): Record<string, unknown> {
  return { config: templateJson(t.config), streams: [...t.streams] };
}

function create(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  const a = accountFor(engine, req);
  if (a === null) return response(T.create, NOT_ENABLED_FOR_ACCOUNT);
  if (!engine.standalone) return response(T.create, jsApiError("JSClusterUnSupportFeatureErr"));
  const cfg = parseTemplateConfig(req.msg.string());
  if ("error" in cfg) return response(T.create, cfg.error);
  if (cfg.name !== name) return response(T.create, jsApiError("JSTemplateNameNotMatchSubjectErr"));
  const t = engine.templates.add(a, cfg);
  if (!(t instanceof StreamTemplate)) return response(T.create, t);
  return response(T.create, null, info(t));
}

function names(engine: StreamEngine, req: JsApiRequest): Reply {
  const empty = { total: 0, offset: 0, limit: 0, streams: null };
  const a = accountFor(engine, req);
  if (a === null) return response(T.names, NOT_ENABLED_FOR_ACCOUNT, empty);
  if (!engine.standalone) {
    return response(T.names, jsApiError("JSClusterUnSupportFeatureErr"), empty);
  }
  const parsed = parsePagedRequest(req.msg.string());
  if ("error" in parsed) return response(T.names, parsed.error, empty);
  const all = engine.templates.list(a.account.name);
  const total = all.length;
  // nats-server 2.9.10 crashes on a negative offset; here it counts from the start.
  const offset = Math.max(0, Math.min(parsed.request.offset, total));
  const page = all.slice(offset, offset + NAMES_LIMIT).map((t) => t.name);
  return response(T.names, null, { total, offset, limit: NAMES_LIMIT, streams: page });
}

function lookup(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  const a = accountFor(engine, req);
  if (a === null) return response(T.info, NOT_ENABLED_FOR_ACCOUNT);
  if (!isEmptyRequest(req.msg.string())) {
    return response(T.info, jsApiError("JSNotEmptyRequestErr"));
  }
  const t = engine.templates.get(a.account.name, name);
  if (t === undefined) return response(T.info, jsApiError("JSStreamTemplateNotFoundErr"));
  return response(T.info, null, info(t));
}

function remove(engine: StreamEngine, req: JsApiRequest, name: string): Reply {
  const a = accountFor(engine, req);
  if (a === null) return response(T.delete, NOT_ENABLED_FOR_ACCOUNT);
  if (!isEmptyRequest(req.msg.string())) {
    return response(T.delete, jsApiError("JSNotEmptyRequestErr"));
  }
  return engine.templates.delete(a, name).then((error) =>
    error !== null ? response(T.delete, error) : response(T.delete, null, { success: true })
  );
}

/** Answers the template operations; null for any other operation. */
export function templateApiHandler(engine: StreamEngine) {
  return (req: JsApiRequest): Reply => {
    const op = req.op;
    if (!op.startsWith(PREFIX)) return null;
    if (op === `${PREFIX}NAMES`) return names(engine, req);
    const [verb, name, extra] = op.slice(PREFIX.length).split(".");
    if (name === undefined || name === "" || extra !== undefined) return null;
    if (verb === "CREATE") return create(engine, req, name);
    if (verb === "INFO") return lookup(engine, req, name);
    if (verb === "DELETE") return remove(engine, req, name);
    return null;
  };
}

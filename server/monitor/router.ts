/**
 * @module
 * The monitoring HTTP surface as one function, `(server, Request) -> Response`, testable without
 * sockets (hono style). It mirrors nats-server 2.9.10's `startMonitoring` mux and handlers:
 * paths under `http_base_path`, Go ServeMux path cleaning (301) and 404 text, query decoding and
 * its 400 texts, `http_req_stats` counting, JSON indented as `json.MarshalIndent`, and JSONP via
 * `callback`. Runs in the main isolate.
 */
import { accountStatz, accountz } from "./accountz.ts";
import { connz } from "./connz.ts";
import { dashboardPage } from "./dashboard_html.ts";
import { marshal, marshalIndent } from "./format.ts";
import { indexPage } from "./index_html.ts";
import { healthz, jsz } from "./jsz.ts";
import { gatewayz, leafz, routez } from "./links.ts";
import { Query, QueryError } from "./query.ts";
import { subsz, subszBody } from "./subsz.ts";
import type { MonitoredServer } from "./types.ts";
import { varz } from "./varz.ts";
import { DENATS_VERSION } from "../version.ts";
import { cleanPath } from "../config/paths.ts";

type Handler = (server: MonitoredServer, q: Query) => Response;

const JSON_TYPE = "application/json";
const JSONP_TYPE = "application/javascript";
const TEXT_TYPE = "text/plain; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";

/** nats-server `ResponseHandler`: JSON, or JSONP when `callback` is given. */
function respond(q: Query, body: string, status = 200): Response {
  const callback = q.get("callback");
  if (callback !== "") {
    return new Response(`${callback}(${body})`, {
      status,
      headers: { "content-type": JSONP_TYPE },
    });
  }
  return new Response(body, { status, headers: { "content-type": JSON_TYPE } });
}

function badRequest(text: string): Response {
  return new Response(text, { status: 400, headers: { "content-type": TEXT_TYPE } });
}

/** Go's `http.NotFound`. */
function notFound(): Response {
  return new Response("404 page not found\n", {
    status: 404,
    headers: { "content-type": TEXT_TYPE, "x-content-type-options": "nosniff" },
  });
}

/** Go ServeMux's `cleanPath`: rooted, cleaned, trailing slash kept. */
function muxCleanPath(p: string): string {
  if (p === "") return "/";
  if (!p.startsWith("/")) p = "/" + p;
  let np = cleanPath(p);
  if (p.endsWith("/") && np !== "/") np += "/";
  return np;
}

/** nats-server `normalizeBasePath`. */
export function normalizeBasePath(p: string | undefined): string {
  if (!p) return "/";
  return cleanPath(p.startsWith("/") ? p : "/" + p);
}

/** `path.Join(base, p)`. */
export function joinBase(base: string, p: string): string {
  return cleanPath(`${base}/${p}`);
}

/** Runs `fn`, turning a {@link QueryError} into nats-server's 400 response. */
function guarded(fn: () => Response): Response {
  try {
    return fn();
  } catch (err) {
    if (err instanceof QueryError) return badRequest(err.message);
    throw err;
  }
}

const handlers = new Map<string, Handler>(Object.entries(
  {
    "/varz": (s, q) => {
      s.monitor.countRequest("/varz");
      // denats' own version, the one key nats-server's /varz does not have (last, after
      // nats-server's keys); the system service's VARZ keeps nats-server's keys only.
      return respond(q, marshalIndent({ ...varz(s), denats_version: DENATS_VERSION }));
    },
    "/connz": (s, q) =>
      guarded(() => {
        const sort = q.get("sort");
        const auth = q.bool("auth");
        const { subs, detail } = q.subs();
        const offset = q.int("offset");
        const limit = q.int("limit");
        const cid = q.uint("cid");
        const state = q.state();
        s.monitor.countRequest("/connz");
        const result = connz(s, {
          sort,
          auth,
          subs,
          subsDetail: detail,
          offset,
          limit,
          cid,
          state,
          user: q.get("user"),
          acc: q.get("acc"),
          mqttClient: q.get("mqtt_client"),
        });
        return respond(q, marshalIndent(result));
      }),
    "/routez": (s, q) =>
      guarded(() => {
        const { subs, detail } = q.subs();
        s.monitor.countRequest("/routez");
        return respond(q, marshalIndent(routez(s, { subs, detail })));
      }),
    "/gatewayz": (s, q) =>
      guarded(() => {
        s.monitor.countRequest("/gatewayz");
        const accounts = q.bool("accs");
        const opts = { name: q.get("gw_name"), accounts, accountName: q.get("acc_name") };
        return respond(q, marshalIndent(gatewayz(s, opts)));
      }),
    "/leafz": (s, q) =>
      guarded(() => {
        s.monitor.countRequest("/leafz");
        const subs = q.bool("subs");
        return respond(q, marshalIndent(leafz(s, { subs, account: q.get("acc") })));
      }),
    "/subsz": subszHandler,
    "/subscriptionsz": subszHandler,
    "/stacksz": (_s, q) => respond(q, stackDump()),
    "/accountz": (s, q) =>
      guarded(() => {
        s.monitor.countRequest("/accountz");
        return respond(q, marshalIndent(accountz(s, { account: q.get("acc") })));
      }),
    "/accstatz": (s, q) =>
      guarded(() => {
        s.monitor.countRequest("/accstatz");
        const includeUnused = q.bool("unused");
        return respond(q, marshalIndent(accountStatz(s, { includeUnused })));
      }),
    "/jsz": (s, q) =>
      guarded(() => {
        s.monitor.countRequest("/jsz");
        const opts = {
          accounts: q.bool("accounts"),
          streams: q.bool("streams"),
          consumer: q.bool("consumers"),
          config: q.bool("config"),
          offset: q.int("offset"),
          limit: q.int("limit"),
          leaderOnly: q.bool("leader-only"),
          account: q.get("acc"),
        };
        return respond(q, marshalIndent(jsz(s, opts)));
      }),
    "/healthz": (s, q) =>
      guarded(() => {
        s.monitor.countRequest("/healthz");
        const jsEnabled = q.bool("js-enabled");
        if (jsEnabled) {
          s.logger.warn("Healthcheck: js-enabled deprecated, use js-enabled-only instead");
        }
        const jsEnabledOnly = q.bool("js-enabled-only");
        const jsServerOnly = q.bool("js-server-only");
        const status = healthz(s, { jsEnabledOnly: jsEnabledOnly || jsEnabled, jsServerOnly });
        if (status.error) s.logger.warn(`Healthcheck failed: ${JSON.stringify(status.error)}`);
        return respond(q, marshal(status), status.error ? 503 : 200);
      }),
    "/ipqueuesz": (_s, q) =>
      guarded(() => {
        q.bool("all");
        return respond(q, "{}");
      }),
    "/dashboard": (s, _q) => {
      s.monitor.countRequest("/dashboard");
      return new Response(dashboardPage(), { headers: { "content-type": HTML_TYPE } });
    },
    // denats only: the dashboard's last ten minutes of 1 s samples (monitor/history.ts).
    // `since=<ms>` keeps only the samples taken after that time (the page's 1 s polls).
    "/dashboard/history": (s, q) => {
      const since = Number(q.get("since") || "0");
      const body = s.monitor.history.toJSON(Number.isFinite(since) ? since : 0);
      return new Response(JSON.stringify(body), {
        headers: { "content-type": "application/json", "cache-control": "no-store" },
      });
    },
  } satisfies Record<string, Handler>,
));

function subszHandler(s: MonitoredServer, q: Query): Response {
  s.monitor.countRequest("/subsz");
  return guarded(() => {
    const subscriptions = q.bool("subs");
    const offset = q.int("offset");
    const limit = q.int("limit");
    const result = subsz(s, {
      subscriptions,
      offset,
      limit,
      test: q.get("test"),
      account: q.get("acc"),
    });
    return respond(q, marshalIndent(subszBody(result)));
  });
}

/** `/stacksz`: the main isolate's current stack (nats-server dumps its goroutines). */
function stackDump(): string {
  return `isolate main:\n${new Error("stack").stack ?? ""}\n`;
}

/** Go's `http.Redirect` with 301 for a GET or HEAD. */
function redirect(location: string, method: string): Response {
  const headers: Record<string, string> = { location };
  let body: string | null = null;
  if (method === "GET" || method === "HEAD") {
    headers["content-type"] = HTML_TYPE;
    body = `<a href="${location.replace(/"/g, "&#34;")}">Moved Permanently</a>.\n\n`;
  }
  return new Response(body, { status: 301, headers });
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Answers one monitoring request.
 *
 * @example
 * ```ts ignore
 * const res = handleMonitorRequest(server, new Request("http://localhost/varz"));
 * const varz = await res.json();
 * ```
 */
export function handleMonitorRequest(server: MonitoredServer, request: Request): Response {
  const url = new URL(request.url);
  const path = decodePath(url.pathname);
  const clean = muxCleanPath(path);
  if (clean !== path) return redirect(clean + url.search, request.method);
  const base = normalizeBasePath(server.options.httpBasePath);
  const q = new Query(url.searchParams);
  if (path === base) {
    server.monitor.countRequest("/");
    return new Response(indexPage((p) => joinBase(base, p)), {
      headers: { "content-type": HTML_TYPE },
    });
  }
  const prefix = base === "/" ? "" : base;
  if (!path.startsWith(prefix + "/")) return notFound();
  const handler = handlers.get(path.slice(prefix.length));
  return handler ? handler(server, q) : notFound();
}

/**
 * @module
 * The monitoring endpoints as system requests (nats-server events.go initEventTracking
 * `monSrvc` / `monAccSrvc`, `zReq`, `filterRequest`): the Go struct each request body decodes
 * into, the server filter (`server_name`, `cluster`, `host`, `tags`, `domain`), and the data each
 * endpoint answers with, taken from the same collectors as the HTTP monitor. Runs in the
 * isolate that owns the connections.
 */
import { accountStatz, accountz } from "../monitor/accountz.ts";
import { connz } from "../monitor/connz.ts";
import { healthz, jsz, jszAccount } from "../monitor/jsz.ts";
import { gatewayz, leafz, routez } from "../monitor/links.ts";
import type { ConnState } from "../monitor/query.ts";
import { subsz } from "../monitor/subsz.ts";
import type { MonitoredServer } from "../monitor/types.ts";
import { varz } from "../monitor/varz.ts";
import type { GoStruct, GoType } from "./go_json.ts";

/** `$SYS.REQ.SERVER.PING.<EP>` and `$SYS.REQ.SERVER.<id>.<EP>` endpoints of nats-server 2.9.10. */
export const SERVER_ENDPOINTS = [
  "STATSZ",
  "VARZ",
  "SUBSZ",
  "CONNZ",
  "ROUTEZ",
  "GATEWAYZ",
  "LEAFZ",
  "ACCOUNTZ",
  "JSZ",
  "HEALTHZ",
] as const;
/** One of {@link SERVER_ENDPOINTS}. */
export type ServerEndpoint = typeof SERVER_ENDPOINTS[number];

/** `$SYS.REQ.ACCOUNT.<acc>.<EP>` endpoints of nats-server 2.9.10. */
export const ACCOUNT_ENDPOINTS = [
  "SUBSZ",
  "CONNZ",
  "LEAFZ",
  "JSZ",
  "INFO",
  "STATZ",
  "CONNS",
] as const;
/** One of {@link ACCOUNT_ENDPOINTS}. */
export type AccountEndpoint = typeof ACCOUNT_ENDPOINTS[number];

/** nats-server `EventFilterOptions`, embedded in every request struct. */
const FILTER_FIELDS: Record<string, GoType> = {
  server_name: "string",
  cluster: "string",
  host: "string",
  tags: "[]string",
  domain: "string",
};

function struct(name: string, fields: Record<string, GoType> = {}): GoStruct {
  return { name, fields: { ...fields, ...FILTER_FIELDS } };
}

/** The Go struct each server endpoint's request body decodes into. */
export const SERVER_REQUEST_STRUCTS: Readonly<Record<ServerEndpoint, GoStruct>> = {
  STATSZ: struct("StatszEventOptions"),
  VARZ: struct("VarzEventOptions"),
  SUBSZ: struct("SubszEventOptions", {
    offset: "int",
    limit: "int",
    subscriptions: "bool",
    account: "string",
    test: "string",
  }),
  CONNZ: struct("ConnzEventOptions", {
    sort: "server.SortOpt",
    auth: "bool",
    subscriptions: "bool",
    subscriptions_detail: "bool",
    offset: "int",
    limit: "int",
    cid: "uint64",
    mqtt_client: "string",
    state: "server.ConnState",
    user: "string",
    acc: "string",
    filter_subject: "string",
  }),
  ROUTEZ: struct("RoutezEventOptions", { subscriptions: "bool", subscriptions_detail: "bool" }),
  GATEWAYZ: struct("GatewayzEventOptions", {
    name: "string",
    accounts: "bool",
    account_name: "string",
  }),
  LEAFZ: struct("LeafzEventOptions", { subscriptions: "bool", account: "string" }),
  ACCOUNTZ: struct("AccountzEventOptions", { account: "string" }),
  JSZ: struct("JszEventOptions", {
    account: "string",
    accounts: "bool",
    streams: "bool",
    consumer: "bool",
    config: "bool",
    leader_only: "bool",
    offset: "int",
    limit: "int",
  }),
  HEALTHZ: struct("HealthzEventOptions", { "js-enabled-only": "bool", "js-server-only": "bool" }),
};

/** The Go struct each account endpoint's request body decodes into (CONNS has its own). */
export const ACCOUNT_REQUEST_STRUCTS: Readonly<
  Record<Exclude<AccountEndpoint, "CONNS">, GoStruct>
> = {
  SUBSZ: SERVER_REQUEST_STRUCTS.SUBSZ,
  CONNZ: SERVER_REQUEST_STRUCTS.CONNZ,
  LEAFZ: SERVER_REQUEST_STRUCTS.LEAFZ,
  JSZ: SERVER_REQUEST_STRUCTS.JSZ,
  INFO: struct("AccInfoEventOptions"),
  STATZ: struct("AccountStatzEventOptions", { accounts: "[]string", include_unused: "bool" }),
};

/** Decoded request options, by JSON member name. */
export type RequestOptions = Record<string, unknown>;

/** What the server filter compares against. */
export interface FilterTarget {
  name: string;
  host: string;
  cluster: string;
  tags: readonly string[];
  domain: string;
}

/** True when the request's filter excludes this server (nats-server `filterRequest`). */
export function filteredOut(opts: RequestOptions, self: FilterTarget): boolean {
  const text = (key: string) => (typeof opts[key] === "string" ? opts[key] as string : "");
  if (text("server_name") !== "" && !self.name.includes(text("server_name"))) return true;
  if (text("host") !== "" && !self.host.includes(text("host"))) return true;
  if (text("cluster") !== "" && !self.cluster.includes(text("cluster"))) return true;
  const tags = Array.isArray(opts.tags) ? opts.tags as string[] : [];
  if (tags.some((t) => !self.tags.includes(t))) return true;
  return text("domain") !== "" && self.domain !== text("domain");
}

/** Thrown by an endpoint whose answer is "no reply from this server" (nats-server errSkipZreq). */
export class SkipReply extends Error {
  override name = "SkipReply";
}

const bool = (o: RequestOptions, k: string) => o[k] === true;
const num = (o: RequestOptions, k: string) => (typeof o[k] === "number" ? o[k] as number : 0);
const str = (o: RequestOptions, k: string) => (typeof o[k] === "string" ? o[k] as string : "");

/** nats-server `ConnState` values: 0 open, 1 closed, 2 all (others read as open). */
function connState(o: RequestOptions): ConnState {
  const n = num(o, "state");
  return n === 1 ? "closed" : n === 2 ? "all" : "open";
}

function connzData(server: MonitoredServer, o: RequestOptions, acc: string) {
  return connz(server, {
    sort: str(o, "sort"),
    auth: bool(o, "auth"),
    subs: bool(o, "subscriptions"),
    subsDetail: bool(o, "subscriptions_detail"),
    offset: num(o, "offset"),
    limit: num(o, "limit"),
    cid: num(o, "cid"),
    mqttClient: str(o, "mqtt_client"),
    state: connState(o),
    user: str(o, "user"),
    acc,
  });
}

function subszData(server: MonitoredServer, o: RequestOptions, subs: boolean, account: string) {
  return subsz(server, {
    offset: num(o, "offset"),
    limit: num(o, "limit"),
    subscriptions: subs,
    account,
    test: str(o, "test"),
  });
}

function jszData(server: MonitoredServer, o: RequestOptions, account: string) {
  // Without JetStream a leader-only request gets no reply (nats-server errSkipZreq).
  if (bool(o, "leader_only") && !server.jetstream) throw new SkipReply();
  return jsz(server, {
    account,
    accounts: bool(o, "accounts"),
    streams: bool(o, "streams"),
    consumer: bool(o, "consumer"),
    config: bool(o, "config"),
    leaderOnly: bool(o, "leader_only"),
    offset: num(o, "offset"),
    limit: num(o, "limit"),
  });
}

/**
 * The `data` of a server endpoint other than STATSZ (which answers with a `ServerStatsMsg`).
 * A collector's QueryError propagates: the caller answers 500 with its text.
 */
export function serverEndpointData(
  ep: Exclude<ServerEndpoint, "STATSZ">,
  server: MonitoredServer,
  o: RequestOptions,
): unknown {
  switch (ep) {
    case "VARZ":
      return varz(server);
    case "SUBSZ":
      return subszData(server, o, bool(o, "subscriptions"), str(o, "account"));
    case "CONNZ":
      return connzData(server, o, str(o, "acc"));
    case "ROUTEZ":
      return routez(server, {
        subs: bool(o, "subscriptions"),
        detail: bool(o, "subscriptions_detail"),
      });
    case "GATEWAYZ":
      return gatewayz(server, {
        name: str(o, "name"),
        accounts: bool(o, "accounts"),
        accountName: str(o, "account_name"),
      });
    case "LEAFZ":
      return leafz(server, { subs: bool(o, "subscriptions"), account: str(o, "account") });
    case "ACCOUNTZ":
      return accountz(server, { account: str(o, "account") });
    case "JSZ":
      return jszData(server, o, str(o, "account"));
    case "HEALTHZ":
      return healthz(server, {
        jsEnabledOnly: bool(o, "js-enabled-only"),
        jsServerOnly: bool(o, "js-server-only"),
      });
  }
}

/**
 * The `data` of an account endpoint other than CONNS for account `acc` (nats-server
 * `monAccSrvc`). Throws {@link SkipReply} when this server stays silent (STATZ of an account
 * without local connections, unless `include_unused`; STATZ of the `PING` pseudo-account).
 */
export function accountEndpointData(
  ep: Exclude<AccountEndpoint, "CONNS">,
  server: MonitoredServer,
  acc: string,
  o: RequestOptions,
): unknown {
  switch (ep) {
    case "SUBSZ":
      return subszData(server, o, true, acc);
    case "CONNZ":
      return connzData(server, o, acc);
    case "LEAFZ":
      return leafz(server, { subs: bool(o, "subscriptions"), account: acc });
    case "JSZ":
      return jszAccount(server, {
        account: acc,
        streams: bool(o, "streams"),
        consumer: bool(o, "consumer"),
        config: bool(o, "config"),
      });
    case "INFO":
      return accountz(server, { account: acc }).account_detail;
    case "STATZ":
      if (acc === "PING") throw new SkipReply();
      return accountStatzData(server, [acc], bool(o, "include_unused"));
  }
}

/**
 * `$SYS.REQ.ACCOUNT.PING.STATZ` (and the per-account STATZ): statistics of `accounts` (all when
 * empty); {@link SkipReply} when none has local connections and unused ones are not wanted.
 */
export function accountStatzData(
  server: MonitoredServer,
  accounts: string[],
  includeUnused: boolean,
): unknown {
  const stz = accountStatz(server, { accounts, includeUnused });
  if (stz.account_statz.length === 0 && !includeUnused) throw new SkipReply();
  return stz;
}

/**
 * @module
 * `/jsz`, the `jetstream` section of `/varz` and `/accountz`'s `jetstream_enabled` in a sharded
 * server: the JetStream worker describes its JetStream as plain data, the main isolate answers
 * from it. The account details of `/jsz` are built by the worker only when the request asks for
 * them (its query travels with the stats request), as JSON text: they hold Go uint64 values
 * (an unlimited reservation is 2^64 - 1) that only raw JSON carries, and raw JSON values cannot
 * be posted between isolates. Worker side: {@link jetStreamData}; main side:
 * {@link jetStreamMonitor}.
 */
import type { JetStreamMonitor, JetStreamStats, JetStreamVarzConfig } from "../monitor/types.ts";
import { marshal } from "../monitor/format.ts";
import { parseGoBool } from "../monitor/query.ts";

/** A JetStream worker's JetStream as structured-cloneable data. */
export interface JetStreamData {
  config: JetStreamVarzConfig;
  stats: JetStreamStats;
  totals: { streams: number; consumers: number; messages: number; bytes: number };
  accountNames: string[];
  /** Account details as JSON text by account name, when a `/jsz` query asked for them. */
  details?: Record<string, string>;
}

/** What {@link jetStreamData} reads of a running JetStream (`server/jetstream/jetstream.ts`). */
export type JetStreamSource = Required<
  Omit<JetStreamMonitor, "metaCluster" | "clusterHealth" | "isMetaLeader">
>;

/** A query flag as nats-server's `decodeBool` reads it (an invalid value: false here). */
function flag(params: Readonly<Record<string, string>>, name: string): boolean {
  const text = params[name];
  return text !== undefined && text !== "" && parseGoBool(text) === true;
}

/**
 * The worker's JetStream data; with the `/jsz` query `params`, the account details it asks
 * for (`consumers` implies `streams`, which implies `accounts`; `acc` names one account).
 * `cluster` is nats-server's `clusterInfo(nil)` of this server.
 */
export function jetStreamData(
  js: JetStreamSource,
  params?: Readonly<Record<string, string>>,
  cluster: Record<string, unknown> = {},
): JetStreamData {
  const data: JetStreamData = {
    config: js.varzConfig(),
    stats: js.stats(),
    totals: js.totals(),
    accountNames: js.accountNames(),
  };
  if (params === undefined) return data;
  const consumers = flag(params, "consumers");
  const streams = consumers || flag(params, "streams");
  const accounts = streams || flag(params, "accounts");
  const acc = params.acc ?? "";
  if (!accounts && acc === "") return data;
  const opts = { streams, consumers, config: flag(params, "config"), cluster };
  const details: Record<string, string> = {};
  for (const name of data.accountNames) {
    if (!accounts && name !== acc) continue;
    const d = js.accountDetail(name, opts);
    if (d !== null) details[name] = marshal(d);
  }
  data.details = details;
  return data;
}

type RawJson = (text: string) => unknown;
const rawJSON = (JSON as unknown as { rawJSON: RawJson }).rawJSON;

/** `JSON.parse` that keeps integers beyond 2^53 as raw JSON (Go's uint64 limits). */
export function parseKeepingIntegers(text: string): Record<string, unknown> {
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source) {
      if (/^-?\d+$/.test(context.source)) return rawJSON(context.source);
    }
    return value;
  });
}

/** A {@link JetStreamMonitor} over a JetStream worker's {@link JetStreamData}. */
export function jetStreamMonitor(data: JetStreamData): JetStreamMonitor {
  return {
    varzConfig: () => data.config,
    stats: () => data.stats,
    totals: () => data.totals,
    accountNames: () => data.accountNames,
    accountDetail: (name) => {
      const text = data.details?.[name];
      return text === undefined ? null : parseKeepingIntegers(text);
    },
  };
}

/**
 * @module
 * Monitoring test targets: denats in this process (`startServer` with `httpPort: -1`) and the
 * reference `nats-server` (spawned with a random client and monitoring port, both read back
 * from `nats-server_<pid>.ports`). Each gives the client address and the monitoring base URL.
 * Runs in the test isolate.
 */
import { type StartOptions, startServer } from "../../mod.ts";
import { natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";

/** A server with monitoring enabled. */
export interface MonitorTarget {
  readonly kind: "denats" | "nats-server";
  readonly host: string;
  readonly port: number;
  /** `http://host:port` of the monitoring listener (no trailing slash). */
  readonly monitorUrl: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts denats on loopback with monitoring on a random port, without a system account unless
 * `opts` asks for one (the compat cases run nats-server with `no_system_account: true`).
 */
export async function denatsMonitor(opts: StartOptions = {}): Promise<MonitorTarget> {
  const server = await startServer({
    host: "127.0.0.1",
    port: -1,
    httpPort: -1,
    quiet: true,
    noSystemAccount: true,
    ...opts,
  });
  if (!server.monitorUrl) throw new Error("denats started without a monitoring URL");
  const close = () => server.close();
  return {
    kind: "denats",
    host: "127.0.0.1",
    port: server.port,
    monitorUrl: server.monitorUrl,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Spawns `nats-server` with a random client and monitoring port. `conf` lines (nats-server
 * config syntax) are written to a config file when given; otherwise the command line is
 * `nats-server -a 127.0.0.1 -p -1 -m -1 --ports_file_dir <tmp>`.
 */
export async function natsServerMonitor(conf?: string[]): Promise<MonitorTarget> {
  const server = await spawnFromConf(
    natsServerBinary(),
    conf ? conf.join("\n") + "\n" : null,
    {
      monitor: true,
      extraArgs: conf ? [] : ["-a", "127.0.0.1", "-p", "-1", "-m", "-1"],
      tempPrefix: "denats_monitor_compat_",
    },
  );
  return {
    kind: "nats-server",
    host: "127.0.0.1",
    port: server.port,
    monitorUrl: server.monitorUrl!,
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}

/** Fetches `path` from the monitoring listener. */
export async function fetchMonitor(
  t: MonitorTarget,
  path: string,
): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(t.monitorUrl + path, { redirect: "manual" });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}

/** Fetches `path` and parses the JSON body (asserting a 200). */
export async function monitorJson<T = Record<string, unknown>>(
  t: MonitorTarget,
  path: string,
): Promise<T> {
  const res = await fetchMonitor(t, path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return JSON.parse(res.text) as T;
}

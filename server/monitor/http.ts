/**
 * @module
 * The monitoring listener: runs {@link handleMonitorRequest} on `Deno.serve` at `http_host` and
 * `http_port` (or `https_port` with the server's `tls` certificate), `-1` meaning a random
 * port, as nats-server's `startMonitoring`. A thin IO shell; runs in the main isolate.
 */
import { handleMonitorRequest } from "./router.ts";
import { HISTORY_INTERVAL_MS, recordSample } from "./history.ts";
import type { MonitoredServer } from "./types.ts";
import { listenHostname } from "../transport/listen_host.ts";
import {
  invalidPortError,
  listenErrorText,
  MONITOR_LISTEN_PREFIX,
} from "../transport/listen_errors.ts";

/** A running monitoring listener. */
export interface MonitorListener {
  readonly protocol: "http" | "https";
  /** The configured host (`http_host`, defaulting to the client host). */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** Stops accepting and waits for in-flight requests. */
  close(): Promise<void>;
}

function tlsFiles(server: MonitoredServer): { cert: string; key: string } {
  const tls = server.options.tls ?? {};
  const certFile = tls.cert_file;
  const keyFile = tls.key_file;
  if (typeof certFile !== "string" || typeof keyFile !== "string") {
    throw new Error("can't listen to the monitor port: https requires a tls certificate and key");
  }
  return { cert: Deno.readTextFileSync(certFile), key: Deno.readTextFileSync(keyFile) };
}

/**
 * The dashboard's history: a sample now and one a second while monitoring runs (by the
 * monitoring listener, or by an edge server that answers monitoring through `fetch`). Returns
 * the function that stops it.
 */
export function startHistorySampler(
  server: MonitoredServer,
  snapshot?: () => Promise<MonitoredServer>,
): () => void {
  const sample = async () => {
    try {
      recordSample(snapshot ? await snapshot() : server, Date.now());
    } catch {
      // a worker is restarting or gone: skip this second
    }
  };
  void sample();
  const sampler = setInterval(sample, HISTORY_INTERVAL_MS);
  Deno.unrefTimer(sampler);
  return () => clearInterval(sampler);
}

/**
 * Starts the monitoring listener (`secure` selects `https_port`). Throws nats-server's
 * "can't listen to the monitor port: ..." when the port cannot be bound.
 *
 * @example
 * ```ts ignore
 * const listener = startMonitorListener(server, false);
 * console.log(`monitoring on ${listener.host}:${listener.port}`);
 * await listener.close();
 * ```
 */
export function startMonitorListener(
  server: MonitoredServer,
  secure: boolean,
  snapshot?: (request?: Request) => Promise<MonitoredServer>,
): MonitorListener {
  const o = server.options;
  const host = o.httpHost ?? o.host;
  const configured = secure ? o.httpsPort : o.httpPort;
  const port = configured < 0 ? 0 : configured;
  const handler = async (request: Request): Promise<Response> => {
    try {
      // A sharded server answers from its workers' combined data.
      return handleMonitorRequest(snapshot ? await snapshot(request) : server, request);
    } catch (err) {
      return new Response(`monitoring error: ${err}`, { status: 500 });
    }
  };
  let httpServer: Deno.HttpServer<Deno.NetAddr>;
  const invalid = invalidPortError(configured);
  if (invalid) throw new Error(MONITOR_LISTEN_PREFIX + invalid);
  try {
    const common = { hostname: listenHostname(host), port, onListen() {} };
    httpServer = secure
      ? Deno.serve({ ...common, ...tlsFiles(server) }, handler)
      : Deno.serve(common, handler);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (text.startsWith("can't listen")) throw err;
    throw new Error(MONITOR_LISTEN_PREFIX + listenErrorText(host, configured, err));
  }
  const stopSampling = startHistorySampler(server, snapshot);
  let closing: Promise<void> | null = null;
  return {
    protocol: secure ? "https" : "http",
    host,
    port: httpServer.addr.port,
    close() {
      stopSampling();
      closing ??= httpServer.shutdown().catch(() => {});
      return closing;
    },
  };
}

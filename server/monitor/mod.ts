/**
 * @module
 * Monitoring (nats-server's HTTP monitoring port): pure collectors that return nats-server's
 * JSON objects (`varz`, `connz`, `subsz`, `accountz`, `accountStatz`, `routez`, `gatewayz`,
 * `leafz`, `jsz`, `healthz`), the `(server, Request) -> Response` router, the `Deno.serve`
 * listener and the state a server keeps for monitoring. Re-exports only; main isolate.
 *
 * @example Answer a monitoring request without sockets
 * ```ts ignore
 * import { handleMonitorRequest } from "./mod.ts";
 * const res = handleMonitorRequest(server, new Request("http://localhost/connz?subs=1"));
 * ```
 */
export { accountStatz, accountz } from "./accountz.ts";
export { type Connz, connz, type ConnzOptions, SORT_OPTIONS } from "./connz.ts";
export type { ConnInfo, SubDetail } from "./conn_info.ts";
export { type MonitorListener, startMonitorListener } from "./http.ts";
export { healthz, jsz } from "./jsz.ts";
export { gatewayz, leafz, routez } from "./links.ts";
export { QueryError } from "./query.ts";
export { handleMonitorRequest } from "./router.ts";
export { MonitorState } from "./state.ts";
export { type Subsz, subsz, type SubszOptions } from "./subsz.ts";
export type { LinkMonitor, MonitoredConn, MonitoredServer } from "./types.ts";
export { type Varz, varz } from "./varz.ts";

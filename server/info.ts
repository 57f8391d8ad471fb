/**
 * @module
 * The client INFO protocol line of this server (nats-server server.go `Info`, `copyInfo`,
 * `lameDuckMode`): the JSON fields every connection shares, built once per start or reload, and
 * the per-connection line (`client_id`, `client_ip`, `nonce`, the cluster tail). Runs in the
 * isolate that owns the client listener (main isolate or a shard worker).
 */
import type { ServerOptions } from "./options.ts";
import { SERVER_VERSION } from "./version.ts";

const enc = new TextEncoder();

/** What the shared INFO fields are built from. */
export interface InfoSource {
  readonly id: string;
  readonly name: string;
  readonly options: ServerOptions;
  /** INFO `auth_required`. */
  readonly authAnnounced: boolean;
  /** INFO `jetstream`: JetStream runs on this server. */
  readonly jetstream?: unknown;
}

/**
 * The INFO JSON fields every client gets, without the closing `}` (the per-connection fields
 * follow): `port` is the bound client port, `transportFields` the TLS fields of the listener.
 */
export function buildInfoBase(
  s: InfoSource,
  port: number,
  transportFields: Record<string, boolean> | undefined,
): string {
  const o = s.options;
  const info: Record<string, unknown> = {
    server_id: s.id,
    server_name: s.name,
    version: SERVER_VERSION,
    proto: 1,
    go: "go1.19.4",
    host: o.host,
    port,
    headers: !o.noHeaderSupport,
  };
  if (s.authAnnounced) info.auth_required = true;
  Object.assign(info, transportFields);
  info.max_payload = o.maxPayload;
  if (s.jetstream) info.jetstream = true;
  const json = JSON.stringify(info);
  return json.slice(0, -1);
}

/** The INFO line for a connection: `base`, its id and address, its `nonce`, then `tail`. */
export function clientInfoLine(
  base: string,
  cid: number,
  clientIp: string,
  nonce: string | undefined,
  tail: string,
): Uint8Array {
  const n = nonce === undefined ? "" : `,"nonce":${JSON.stringify(nonce)}`;
  return enc.encode(
    `INFO ${base},"client_id":${cid},"client_ip":${JSON.stringify(clientIp)}${n}${tail}} \r\n`,
  );
}

/** The async INFO with `"ldm":true` that tells a client the server entered lame duck mode. */
export function lameDuckInfoLine(
  base: string,
  cid: number,
  clientIp: string,
  tail: string,
): Uint8Array {
  const id = `"client_id":${cid},"client_ip":${JSON.stringify(clientIp)}`;
  return enc.encode(`INFO ${base},${id}${tail},"ldm":true} \r\n`);
}

/** What {@link sendAsyncInfo} needs of a client. */
interface InfoClient {
  readonly cid: number;
  readonly host: string;
  readonly closed: boolean;
  readonly opts: { readonly protocol: number };
  readonly logPrefix: string;
  sendRaw(bytes: Uint8Array): void;
}

/**
 * Sends the async INFO `line(c)` to every protocol-1 client (server.go
 * updateServerINFOAndSendINFOToClients). WebSocket clients would need `ws_connect_urls`,
 * which routes do not gossip here: they are left out.
 */
export function sendAsyncInfo<C extends InfoClient>(
  clients: Iterable<C>,
  line: (c: C) => Uint8Array,
): void {
  for (const c of clients) {
    if (c.closed || c.opts.protocol < 1 || c.logPrefix.includes(" - wid:")) continue;
    c.sendRaw(line(c));
  }
}

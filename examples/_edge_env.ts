/**
 * @module
 * The edge examples' options from the environment: `NATS_SERVER_NAME` (default `edge`),
 * `NATS_HUB` (a hub's `ws://`/`wss://` WebSocket URL: the edge becomes its leafnode),
 * `NATS_HUB_CREDS` (a credentials file for the hub's account; reading it needs `--allow-read`
 * for that file), `NATS_JS_DOMAIN` (JetStream with memory streams in this domain, 256 MB by
 * default; a hub with JetStream reaches them through `$JS.<domain>.API`). Monitoring is
 * answered through `fetch`.
 */
import type { StartOptions } from "../mod.ts";

/** `startServer` options of an edge server, read from the environment. */
export function edgeOptionsFromEnv(): StartOptions {
  const hub = Deno.env.get("NATS_HUB");
  const creds = Deno.env.get("NATS_HUB_CREDS");
  const domain = Deno.env.get("NATS_JS_DOMAIN");
  return {
    edge: true,
    serverName: Deno.env.get("NATS_SERVER_NAME") ?? "edge",
    // Monitoring through fetch (nothing is bound on an edge server).
    httpPort: -1,
    ...(domain ? { jetstream: { domain } } : {}),
    ...(hub
      ? { leafnodes: { remotes: [{ url: hub, ...(creds ? { credentials: creds } : {}) }] } }
      : {}),
  };
}

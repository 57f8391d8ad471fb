/**
 * @module
 * The stream_action advisory of nats-server 2.9.10 (stream.go sendCreateAdvisory,
 * sendUpdateAdvisoryLocked, sendDeleteAdvisoryLocked; events.go JSStreamActionAdvisory): its
 * subject `$JS.EVENT.ADVISORY.STREAM.<CREATED|UPDATED|DELETED>.<stream>` and its JSON `{type,
 * id, timestamp, stream, action, template?, domain?}` with a 22-character nuid-like id.
 * PURE: no Deno APIs, timers or console output.
 */
import type { StreamConfig } from "../api/stream_config.ts";
import { goTimeNs } from "./go_time.ts";
import { goJson } from "./inbound.ts";

/** events.go ActionAdvisoryType. */
export type StreamAction = "create" | "modify" | "delete";

const NUID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A 22-character base-62 id like nats-server's nuid. */
export function nuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  let s = "";
  for (const b of bytes) s += NUID_ALPHABET[b % 62];
  return s;
}

/**
 * The advisory of `action` on the stream configured by `cfg`, at `now` (ns).
 *
 * @example
 * ```ts
 * import { streamActionAdvisory } from "./advisory.ts";
 * import { zeroStreamConfig } from "../api/stream_config.ts";
 * const a = streamActionAdvisory({ ...zeroStreamConfig(), name: "S" }, "create", 1n, "");
 * if (a.subject !== "$JS.EVENT.ADVISORY.STREAM.CREATED.S") throw new Error();
 * ```
 */
export function streamActionAdvisory(
  cfg: StreamConfig,
  action: StreamAction,
  now: bigint,
  domain: string,
): { subject: string; body: string } {
  const kind = action === "create" ? "CREATED" : action === "modify" ? "UPDATED" : "DELETED";
  const body: Record<string, unknown> = {
    type: "io.nats.jetstream.advisory.v1.stream_action",
    id: nuid(),
    timestamp: goTimeNs(now),
    stream: cfg.name,
    action,
  };
  // The update advisory carries no template (sendUpdateAdvisoryLocked).
  if (action !== "modify" && cfg.template_owner) body.template = cfg.template_owner;
  if (domain !== "") body.domain = domain;
  return { subject: `$JS.EVENT.ADVISORY.STREAM.${kind}.${cfg.name}`, body: goJson(body) };
}

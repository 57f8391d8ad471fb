/**
 * @module
 * The stream_action advisory of nats-server 2.9.10 (stream.go sendCreateAdvisory,
 * sendUpdateAdvisoryLocked, sendDeleteAdvisoryLocked; events.go JSStreamActionAdvisory): its
 * subject `$JS.EVENT.ADVISORY.STREAM.<CREATED|UPDATED|DELETED>.<stream>` and its JSON `{type,
 * id, timestamp, stream, action, template?, domain?}` with a 22-character nuid-like id.
 * PURE: no Deno APIs, timers or console output.
 */
import type { StreamConfig } from "../api/stream_config.ts";
import { Advisories } from "../advisories.ts";
import { goJson } from "./inbound.ts";
import { randomBase62 } from "../../protocol/base62.ts";

/** events.go ActionAdvisoryType. */
export type StreamAction = "create" | "modify" | "delete";

/** A 22-character base-62 id like nats-server's nuid. */
export function nuid(): string {
  return randomBase62();
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
  const builder = new Advisories({ nextId: nuid, now: () => now, domain });
  const adv = builder.streamAction(cfg.name, action, cfg.template_owner ?? "");
  return { subject: adv.subject, body: goJson(adv.body) };
}

/**
 * @module
 * Test helpers: a checked stream config, an inbound message with headers, and a machine over a
 * memory store. Not for production use.
 */
import { checkStreamConfig, type StreamConfig, zeroStreamConfig } from "../api/stream_config.ts";
import { MemoryStore } from "../store/memory_store.ts";
import { DedupeTable } from "./dedupe.ts";
import { storeLimitsOf, type StreamMachine } from "./entry.ts";
import type { InboundMsg } from "./inbound.ts";
import type { ApiError } from "../api/errors.ts";

/** A config through checkStreamConfig (defaults applied). */
export function config(partial: Partial<StreamConfig> = {}): StreamConfig {
  const r = checkStreamConfig({ ...zeroStreamConfig(), name: "S", subjects: ["s.>"], ...partial });
  if (!("config" in r)) throw new Error(r.error.description);
  return r.config;
}

/** A machine over a memory store with `cfg`'s limits. */
export function machine(
  cfg: StreamConfig,
  accountLimitError: () => ApiError | null = () => null,
): StreamMachine & { store: MemoryStore } {
  return {
    config: cfg,
    store: new MemoryStore(storeLimitsOf(cfg)),
    dedupe: new DedupeTable(),
    lastMsgId: "",
    accountLimitError,
  };
}

const enc = new TextEncoder();

/** An inbound message with `headers` (none when empty). */
export function inbound(
  subject: string,
  data: string,
  headers: Record<string, string> = {},
  reply = "_INBOX.1",
): InboundMsg {
  const entries = Object.entries(headers);
  const header = entries.length === 0
    ? null
    : enc.encode(`NATS/1.0\r\n${entries.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`);
  return {
    subject,
    reply,
    header,
    data: enc.encode(data),
    getHeader: (key) => headers[key] ?? null,
  };
}

/**
 * @module
 * Stream info as nats-server 2.9.10 marshals it (stream.go `StreamInfo`, store.go `StreamState`):
 * `config`, `created`, `state` (`messages`, `bytes`, `first_seq`, `first_ts`, `last_seq`,
 * `last_ts`, `num_subjects`, `subjects`, `num_deleted`, `deleted`, `consumer_count`, the
 * optional ones left out when zero), then `domain`. PURE: no Deno APIs, timers or console
 * output.
 */
import { type StreamConfig, streamConfigToJson } from "../api/stream_config.ts";
import type { StreamState } from "../store/types.ts";
import { goTimeNs } from "./go_time.ts";

/** Options of {@link streamStateJson}. */
export interface StateJsonOptions {
  /** `subjects`: per-subject counts (already filtered and paged). */
  subjects?: Map<string, number> | null;
  /** The stream's consumer count (the stream knows it; the store may not). */
  consumers: number;
}

/** StreamState JSON in Go's field order with its `omitempty` rules. */
export function streamStateJson(st: StreamState, opts: StateJsonOptions): Record<string, unknown> {
  // A stream that never stored anything reports first_seq 0 (Go's zero state).
  const empty = st.lastSeq === 0 && st.msgs === 0;
  const out: Record<string, unknown> = {
    messages: st.msgs,
    bytes: st.bytes,
    first_seq: empty ? 0 : st.firstSeq,
    first_ts: goTimeNs(st.firstTs),
    last_seq: st.lastSeq,
    last_ts: goTimeNs(st.lastTs),
  };
  if (st.numSubjects > 0) out.num_subjects = st.numSubjects;
  if (opts.subjects && opts.subjects.size > 0) out.subjects = Object.fromEntries(opts.subjects);
  if (st.numDeleted > 0) out.num_deleted = st.numDeleted;
  if (st.deleted && st.deleted.length > 0) out.deleted = [...st.deleted];
  out.consumer_count = opts.consumers;
  return out;
}

/** What a stream info is made of. */
export interface StreamInfoParts {
  config: StreamConfig;
  /** Creation time, ns since the epoch. */
  created: bigint;
  state: Record<string, unknown>;
  /** The JetStream domain ("" for none). */
  domain: string;
}

/** StreamInfo JSON members (config, created, state, domain). */
export function streamInfoJson(p: StreamInfoParts): Record<string, unknown> {
  const out: Record<string, unknown> = {
    config: streamConfigToJson(p.config),
    created: goTimeNs(p.created),
    state: p.state,
  };
  if (p.domain !== "") out.domain = p.domain;
  return out;
}

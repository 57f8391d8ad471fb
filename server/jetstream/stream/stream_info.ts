/**
 * @module
 * A stream's info in the shapes of api/api_types.ts (nats-server 2.9.10 stream.go `StreamInfo`,
 * store.go `StreamState`): the store's state with Go's first_seq 0 for a stream that never
 * stored, times as RFC 3339 text, the per-subject counts and the consumer count the stream
 * knows. api_types.ts marshals them in Go's order. PURE: no Deno APIs, timers or console output.
 */
import {
  type StreamInfo as ApiStreamInfo,
  streamInfoJson as apiStreamInfoJson,
  type StreamSourceInfo as ApiStreamSourceInfo,
  type StreamState as ApiStreamState,
} from "../api/api_types.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import type { StreamState } from "../store/types.ts";
import { goTimeNs } from "../js_time.ts";

/** Options of {@link apiStreamState}. */
export interface StateJsonOptions {
  /** `subjects`: per-subject counts (already filtered and paged). */
  subjects?: Map<string, number> | null;
  /** The stream's consumer count (the stream knows it; the store may not). */
  consumers: number;
}

/** The store's state as stream info reports it. */
export function apiStreamState(st: StreamState, opts: StateJsonOptions): ApiStreamState {
  // A stream that never stored anything reports first_seq 0 (Go's zero state).
  const empty = st.lastSeq === 0 && st.msgs === 0;
  const out: ApiStreamState = {
    messages: st.msgs,
    bytes: st.bytes,
    first_seq: empty ? 0 : st.firstSeq,
    first_ts: goTimeNs(st.firstTs),
    last_seq: st.lastSeq,
    last_ts: goTimeNs(st.lastTs),
    num_subjects: st.numSubjects,
    num_deleted: st.numDeleted,
    consumer_count: opts.consumers,
  };
  if (opts.subjects && opts.subjects.size > 0) out.subjects = Object.fromEntries(opts.subjects);
  if (st.deleted && st.deleted.length > 0) out.deleted = [...st.deleted];
  return out;
}

/** What a stream info is made of. */
export interface StreamInfoParts {
  config: StreamConfig;
  /** Creation time, ns since the epoch. */
  created: bigint;
  state: ApiStreamState;
  /** The JetStream domain ("" for none). */
  domain: string;
  mirror?: ApiStreamSourceInfo;
  sources?: ApiStreamSourceInfo[];
}

/** StreamInfo JSON members (config, created, state, domain) in Go's order. */
export function streamInfoJson(p: StreamInfoParts): Record<string, unknown> {
  const info: ApiStreamInfo = { config: p.config, created: goTimeNs(p.created), state: p.state };
  if (p.domain !== "") info.domain = p.domain;
  if (p.mirror) info.mirror = p.mirror;
  if (p.sources) info.sources = p.sources;
  return apiStreamInfoJson(info);
}

/**
 * @module
 * A replica that fell behind its group's compacted log (it got the leader's snapshot: the
 * stream's first and last sequence) fetches the messages it lacks from the stream's leader
 * (nats-server 2.9.10 jetstream_cluster.go `processSnapshot`, `processCatchupMsg`; denats asks
 * with `STREAM.MSG.GET`, which only the leader answers, a window of requests at a time) and stores
 * them at their sequences, in order; a sequence the leader no longer has is skipped.
 * IO shell: requests through the stream's internal connection.
 */
import type { Stream } from "../stream/stream.ts";
import { parseGoTimeNs } from "../js_time.ts";
import { storedEntryOf } from "./stream_entries.ts";
import { decodeBase64 } from "../../accounts/nkey.ts";

/** The stream state a stream group's snapshot carries. */
export interface StreamSnapshot {
  first: number;
  last: number;
  /** The consumers the group carried (config body, state base64 or null). */
  consumers?: HeldConsumer[];
}

/** A consumer a stream group carried: its saved config body and last replicated state. */
export interface HeldConsumer {
  name: string;
  body: string;
  state: string | null;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The snapshot bytes of a stream group (JSON `{"first":F,"last":L,"consumers":[...]}`). */
export function encodeStreamSnapshot(s: StreamSnapshot): Uint8Array {
  return enc.encode(JSON.stringify({ first: s.first, last: s.last, consumers: s.consumers ?? [] }));
}

function heldConsumer(v: unknown): HeldConsumer | null {
  if (typeof v !== "object" || v === null) return null;
  const c = v as Partial<HeldConsumer>;
  if (typeof c.name !== "string" || typeof c.body !== "string") return null;
  return { name: c.name, body: c.body, state: typeof c.state === "string" ? c.state : null };
}

/** A stream group's snapshot read back (null: not one). */
export function decodeStreamSnapshot(data: Uint8Array): StreamSnapshot | null {
  try {
    const v = JSON.parse(dec.decode(data)) as Partial<StreamSnapshot>;
    if (typeof v.first !== "number" || typeof v.last !== "number") return null;
    const consumers = Array.isArray(v.consumers)
      ? v.consumers.map(heldConsumer).filter((c): c is HeldConsumer => c !== null)
      : [];
    return { first: v.first, last: v.last, consumers };
  } catch {
    return null;
  }
}

function fromBase64(text: unknown): Uint8Array | null {
  return typeof text === "string" && text !== "" ? decodeBase64(text, "std") : null;
}

type Fetched = { seq: number; entry: ReturnType<typeof storedEntryOf> } | { seq: number };

/** One message from the leader: the entry to store, or none (gone there). Throws on no answer. */
async function fetchMsg(stream: Stream, seq: number, timeoutMs: number): Promise<Fetched> {
  const m = await stream.conn.request(
    `$JS.API.STREAM.MSG.GET.${stream.name}`,
    JSON.stringify({ seq }),
    { timeoutMs },
  );
  const r = JSON.parse(dec.decode(m.data)) as {
    error?: { err_code?: number };
    message?: Record<string, unknown>;
  };
  if (r.error !== undefined) {
    // 10037: no message at that sequence (deleted or expired there).
    if (r.error.err_code === 10037) return { seq };
    throw new Error(`catch-up of ${stream.name} at ${seq}: error ${r.error.err_code}`);
  }
  const msg = r.message ?? {};
  const ts = parseGoTimeNs(typeof msg.time === "string" ? msg.time : "") ?? 0n;
  const entry = storedEntryOf(
    typeof msg.subject === "string" ? msg.subject : "",
    fromBase64(msg.hdrs),
    fromBase64(msg.data) ?? new Uint8Array(0),
    seq,
    ts,
    stream.config,
  );
  return { seq, entry };
}

/**
 * Stores the messages `from`..`to` the leader has, in order (`window` requests in flight);
 * resolves once the replica holds sequence `to`, or rejects when the leader stops answering
 * (the caller retries).
 */
export async function catchUpStream(
  stream: Stream,
  from: number,
  to: number,
  opts: { window?: number; timeoutMs?: number; closed?: () => boolean } = {},
): Promise<void> {
  const window = opts.window ?? 64;
  const timeoutMs = opts.timeoutMs ?? 2000;
  for (let start = from; start <= to; start += window) {
    if (opts.closed?.() === true || stream.closed) return;
    const end = Math.min(to, start + window - 1);
    const batch: Promise<Fetched>[] = [];
    for (let seq = start; seq <= end; seq++) batch.push(fetchMsg(stream, seq, timeoutMs));
    for (const f of await Promise.all(batch)) {
      if ("entry" in f) stream.applyLogged(f.entry, f.entry.ts);
    }
  }
  if (stream.store.state().lastSeq < to) stream.applyLogged({ op: "skip", through: to }, 0n);
}

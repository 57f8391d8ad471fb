/**
 * @module
 * Test helper: the client side of stream snapshot and restore as the `nats` CLI (jsm.go
 * `SnapshotToDirectory` / `RestoreSnapshotFromDirectory`) speaks it, over a core
 * `@nats-io/transport-node` connection. Not for production use.
 */
import type { NatsConnection } from "@nats-io/transport-node";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One received snapshot chunk. */
export interface SnapshotChunk {
  size: number;
  reply: string;
}

/** A finished backup: the API answer, the archive and how it arrived. */
export interface Backup {
  response: Record<string, unknown>;
  archive: Uint8Array;
  chunks: SnapshotChunk[];
  /** The reply subject of the closing empty message ("" when none). */
  endReply: string;
}

/** The answer of an API request, parsed. */
export async function api(
  nc: NatsConnection,
  subject: string,
  body: string | Uint8Array,
): Promise<Record<string, unknown>> {
  const m = await nc.request(subject, body, { timeout: 5000 });
  return JSON.parse(dec.decode(m.data));
}

/**
 * Requests a snapshot of `stream` with `request` (its `deliver_subject` filled in) and
 * collects the chunks, acking each; rejects after `ms` without the end.
 */
export async function backup(
  nc: NatsConnection,
  stream: string,
  request: Record<string, unknown> = {},
  ms = 10_000,
): Promise<Backup> {
  const deliver = `_SNAP.${Math.random().toString(36).slice(2)}`;
  const chunks: SnapshotChunk[] = [];
  const parts: Uint8Array[] = [];
  let endReply = "";
  const sub = nc.subscribe(deliver);
  const done = (async () => {
    for await (const m of sub) {
      if (m.data.length === 0) {
        endReply = m.reply ?? "";
        return;
      }
      chunks.push({ size: m.data.length, reply: m.reply ?? "" });
      parts.push(m.data.slice());
      if (m.reply) m.respond();
    }
  })();
  const response = await api(
    nc,
    `$JS.API.STREAM.SNAPSHOT.${stream}`,
    JSON.stringify({ deliver_subject: deliver, ...request }),
  );
  if ("error" in response) {
    sub.unsubscribe();
    return { response, archive: new Uint8Array(0), chunks, endReply };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("snapshot did not end")), ms);
  });
  try {
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
    sub.unsubscribe();
  }
  const archive = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    archive.set(p, at);
    at += p.length;
  }
  return { response, archive, chunks, endReply };
}

/**
 * Restores `archive` as `stream` with `request` ({config, state}) in chunks of `chunkSize`:
 * the restore answer, and the final answer to the closing empty chunk (absent when the restore
 * answer is an error).
 */
export async function restore(
  nc: NatsConnection,
  stream: string,
  request: Record<string, unknown>,
  archive: Uint8Array,
  chunkSize = 64 * 1024,
): Promise<{ response: Record<string, unknown>; final?: Record<string, unknown> }> {
  const response = await api(nc, `$JS.API.STREAM.RESTORE.${stream}`, JSON.stringify(request));
  if ("error" in response) return { response };
  const deliver = response.deliver_subject as string;
  for (let at = 0; at < archive.length; at += chunkSize) {
    const ack = await nc.request(deliver, archive.subarray(at, at + chunkSize), {
      timeout: 5000,
    });
    if (ack.data.length !== 0) throw new Error(`chunk not acked: ${dec.decode(ack.data)}`);
  }
  const final = await api(nc, deliver, enc.encode(""));
  return { response, final };
}

/**
 * @module
 * Sending a snapshot archive to the requester's deliver subject (nats-server 2.9.10
 * jetstream_api.go `streamSnapshot`): wait up to 2 s for interest on the deliver subject, then
 * send chunks of `chunk_size` bytes (128 KiB by default), each with the reply subject
 * `$JS.SNAPSHOT.ACK.<stream>.<nuid>.<chunk size>.<chunk index>`; an ack to it takes the chunk's
 * bytes off the outstanding count. Past an 8 MiB window the sender waits for an ack (at most
 * 10 ms a chunk), and stops early when the deliver subject loses interest. An empty message
 * without a reply ends the snapshot. Runs in the isolate that owns the stream (timers).
 */
import type { InternalConnection } from "../../internal/internal_connection.ts";

/** jetstream_api.go defaultSnapshotChunkSize and defaultSnapshotWindowSize. */
export const DEFAULT_CHUNK_SIZE = 128 * 1024;
export const SNAPSHOT_WINDOW = 8 * 1024 * 1024;
/** How long the sender waits for a first subscriber on the deliver subject. */
const INTEREST_WAIT_MS = 2000;
/** How long a chunk past the window waits for an ack. */
const ACK_WAIT_MS = 10;
/** Chunks sent before the sender lets other work run. */
const CHUNKS_PER_TURN = 16;

/** What the sender needs. */
export interface SnapshotSendOptions {
  /** The stream's internal connection (publishes the chunks, receives the acks). */
  conn: InternalConnection;
  stream: string;
  deliverSubject: string;
  /** Requested chunk size; 0 (or less) takes the default. */
  chunkSize: number;
  /** A new unique token for the ack subject. */
  nuid: string;
  /** Whether the deliver subject has a subscriber. */
  hasInterest(): boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends `archive` (see the module doc); resolves once the closing empty message is sent. */
export async function sendSnapshot(archive: Uint8Array, o: SnapshotSendOptions): Promise<void> {
  const chunkSize = o.chunkSize > 0 ? o.chunkSize : DEFAULT_CHUNK_SIZE;
  for (let waited = 0; !o.hasInterest() && waited < INTEREST_WAIT_MS; waited += 20) {
    if (o.conn.closed) return;
    await sleep(20);
  }
  if (o.conn.closed) return;
  let outstanding = 0;
  let wake: (() => void) | null = null;
  const ackSubject = `$JS.SNAPSHOT.ACK.${o.stream}.${o.nuid}`;
  const ackSub = o.conn.subscribe(`${ackSubject}.>`, (msg) => {
    const size = parseInt(msg.subject.split(".")[5] ?? "0", 10) || 0;
    outstanding -= size;
    if (outstanding < SNAPSHOT_WINDOW) wake?.();
  });
  try {
    let index = 1;
    for (let at = 0; at < archive.length; at += chunkSize, index++) {
      if (o.conn.closed) return;
      const chunk = archive.subarray(at, Math.min(at + chunkSize, archive.length));
      if (outstanding > SNAPSHOT_WINDOW) {
        if (!o.hasInterest()) break; // lost interest
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            wake = null;
            resolve();
          }, ACK_WAIT_MS);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve();
          };
        });
      } else if (index % CHUNKS_PER_TURN === 0) {
        await sleep(0);
      }
      if (o.conn.closed) return;
      o.conn.publish(o.deliverSubject, chunk, {
        reply: `${ackSubject}.${chunk.length}.${index}`,
      });
      outstanding += chunk.length;
    }
    if (!o.conn.closed) o.conn.publish(o.deliverSubject, new Uint8Array(0));
  } finally {
    if (!o.conn.closed) ackSub.unsubscribe();
  }
}

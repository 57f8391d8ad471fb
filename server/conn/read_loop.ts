/**
 * @module
 * The one read loop of every connection kind (client, route, and next gateway and leaf): read,
 * hand the bytes to the connection's parser, then apply back-pressure before reading again:
 * records waiting on the mesh rings are handled, a full ring to another worker pauses reading
 * until it drains (ARCHITECTURE.md invariant 4), and receivers that fell far behind (producer
 * stall, nats-server's `stalled` wait) are given up to a second to catch up. A connection that
 * floods therefore stops being read instead of growing buffers in front of others, and one that
 * always has data yields to the other sockets every {@link READ_SLICE_MS}.
 * Runs in the isolate that owns the socket.
 */
import type { StallTarget } from "../routing/fan_out.ts";
import { CloseReason } from "../protocol/wire_errors.ts";
import { yieldToIo } from "./io_yield.ts";

/** The read half of a transport (a Deno.Conn fits). */
export interface Readable {
  read(p: Uint8Array): Promise<number | null>;
}

/** The connection being read. */
export interface ReadTarget {
  readonly closed: boolean;
  /** Parses bytes just read (they are only valid during the call). */
  feed(bytes: Uint8Array): void;
  close(reason: string): void;
}

/** The back-pressure sources of the isolate (the server fits). */
export interface ReadPressure {
  /** Receivers that fell far behind since the last call (the fan-out's stall list), emptied. */
  takeStalled(): StallTarget[];
  /** A ring to another worker is full: stop reading until {@link drained}. */
  readonly backlogged: boolean;
  drained(): Promise<void>;
  /** Handles records waiting on the rings from other workers. */
  pollMesh(): void;
}

/** Read buffer sizes: start small (nats-server starts at 512 B), double while reads fill it. */
export interface ReadSizes {
  min: number;
  max: number;
}

/** nats-server's read buffer bounds (client.go startBufSize, maxBufSize). */
export const DEFAULT_READ_SIZES: ReadSizes = { min: 512, max: 64 * 1024 };

/** Longest a publisher waits for slow receivers before reading on (nats-server stall cap). */
export const STALL_MAX_MS = 1000;
/** How often a read loop waiting on a backlogged ring checks whether its connection closed. */
const BACKLOG_CHECK_MS = 250;
/**
 * Longest a read loop runs (ms) before it yields to the other sockets ({@link yieldToIo}). A
 * socket that always has data completes each read at once, and so does a write to a socket with
 * room: a connection that keeps its socket full runs read, parse, deliver and write as one chain
 * of microtasks, and every other connection and timer waits. The flood of bench/hostile_load.ts
 * (15 s, same run as nats-server) measured probe p99 50-57 ms with the earlier rule (a
 * MessageChannel yield after 1 MiB read that delivered nothing), 4.3-5.5 ms with this one
 * (nats-server 6.6-9.4 ms); natsbench pub16, pub128 and pubsub1x1 were unchanged (1.00x).
 */
export const READ_SLICE_MS = 2;
/** A read that took this long (ms) waited for data: the event loop ran others meanwhile. */
const WAITED_MS = 0.5;

/**
 * Reads `source` into `target` until it closes; closes `target` with `Read Error` or
 * `Client Closed` when the socket fails or ends.
 */
export async function readLoop(
  source: Readable,
  target: ReadTarget,
  pressure: ReadPressure,
  sizes: ReadSizes = DEFAULT_READ_SIZES,
): Promise<void> {
  let buf = new Uint8Array(sizes.min);
  let sliceStart = performance.now();
  while (!target.closed) {
    let n: number | null;
    const readStart = performance.now();
    try {
      n = await source.read(buf);
      const readEnd = performance.now();
      if (readEnd - readStart >= WAITED_MS) sliceStart = readEnd;
    } catch {
      target.close(CloseReason.ReadError);
      return;
    }
    if (n === null) {
      target.close(CloseReason.ClientClosed);
      return;
    }
    if (target.closed) return;
    target.feed(buf.subarray(0, n));
    if (n === buf.length && buf.length < sizes.max) buf = new Uint8Array(buf.length * 2);
    pressure.pollMesh();
    // No reading while a ring is backlogged; a closed connection stops waiting (shutdown).
    while (pressure.backlogged && !target.closed) {
      await waitAtMost(pressure.drained(), BACKLOG_CHECK_MS);
    }
    const stalled = pressure.takeStalled();
    if (stalled.length > 0) {
      await waitForStalled(stalled, STALL_MAX_MS);
      sliceStart = performance.now();
    } else if (performance.now() - sliceStart >= READ_SLICE_MS) {
      // Fairness: this connection had its slice; the others' reads and timers run first.
      await yieldToIo();
      sliceStart = performance.now();
    }
  }
}

/** No back-pressure source (a link manager used without a server, in tests). */
export const NO_PRESSURE: ReadPressure = {
  takeStalled: () => [],
  backlogged: false,
  drained: () => Promise.resolve(),
  pollMesh: () => {},
};

/** Resolves when every stalled receiver is below half its stall level, or after `maxMs`. */
export function waitForStalled(list: readonly StallTarget[], maxMs: number): Promise<void> {
  return waitAtMost(Promise.all(list.map((c) => c.out.waitBelow(c.stallBytes / 2))), maxMs);
}

/** Resolves when `p` settles or after `ms`, whichever comes first. */
async function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

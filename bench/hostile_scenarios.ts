/**
 * @module
 * The load of the hostile-load benchmark (hostile_load.ts), on raw Deno TCP sockets so the load
 * generator stays light: a probe (request/reply every 50 ms, latency of each round trip), a
 * flood (one publisher as fast as it can to subscribers that never read, each replaced once the
 * server cuts it) and garbage loops (connections sending random bytes, 100 KB control lines,
 * deeply nested CONNECT JSON, `PUB x 99999999`, 2,000 SUBs then close, truncated HPUB). Every
 * loop is bounded by a deadline and talks to loopback only. Also used by tests/hostile/.
 * Runs in the benchmark's (or a test's) `deno run -A` process.
 */
import { prng } from "../server/protocol/prng.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Where the server listens. */
export interface Endpoint {
  hostname: string;
  port: number;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/** Reads until `done(text so far)` is true, EOF/error, or `ms` pass; the text read. */
async function readUntil(conn: Deno.Conn, ms: number, done: (text: string) => boolean) {
  const buf = new Uint8Array(4096);
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)));
  try {
    while (!done(text)) {
      const n = await Promise.race([conn.read(buf), timeout]);
      if (n === null) break;
      // Keep only the tail: enough to see PONG/-ERR after a long INFO.
      text = (text + dec.decode(buf.subarray(0, n))).slice(-512);
    }
  } catch {
    // reset by the server: it is done with us
  } finally {
    clearTimeout(timer);
  }
  return text;
}

// ---- probe ----------------------------------------------------------------------------------

/** Probe figures: one latency (ms) per answered request, and requests never answered. */
export interface ProbeResult {
  latencies: number[];
  lost: number;
  sent: number;
}

/**
 * A responder and a requester on two connections: every `intervalMs` one request, answered by
 * the responder; latency from write to reply. A request without a reply within `lostMs` is
 * lost. Runs until `stop` resolves.
 */
export async function runProbe(
  ep: Endpoint,
  stop: Promise<void>,
  intervalMs = 50,
  lostMs = 5000,
): Promise<ProbeResult> {
  const result: ProbeResult = { latencies: [], lost: 0, sent: 0 };
  const responder = await Deno.connect(ep);
  const requester = await Deno.connect(ep);
  await writeAll(responder, enc.encode('CONNECT {"verbose":false}\r\nSUB probe.req 1\r\nPING\r\n'));
  await readUntil(responder, 5000, (t) => t.includes("PONG"));
  await writeAll(requester, enc.encode('CONNECT {"verbose":false}\r\nSUB probe.rep 1\r\nPING\r\n'));
  await readUntil(requester, 5000, (t) => t.includes("PONG"));
  let stopped = false;
  stop.then(() => (stopped = true));
  // Responder: every MSG probe.req 1 <reply> 1 -> PUB <reply> 1.
  const respond = (async () => {
    const buf = new Uint8Array(4096);
    let carry = "";
    while (true) {
      let n: number | null;
      try {
        n = await responder.read(buf);
      } catch {
        return;
      }
      if (n === null) return;
      carry += dec.decode(buf.subarray(0, n));
      let out = "";
      let i: number;
      while ((i = carry.indexOf("\r\n")) >= 0) {
        const line = carry.slice(0, i);
        if (line.startsWith("MSG ")) {
          const [, , , reply, size] = line.split(" ");
          if (carry.length < i + 2 + Number(size) + 2) break;
          carry = carry.slice(i + 2 + Number(size) + 2);
          out += `PUB ${reply} 1\r\nr\r\n`;
          continue;
        }
        if (line === "PING") out += "PONG\r\n";
        carry = carry.slice(i + 2);
      }
      if (out) await writeAll(responder, enc.encode(out)).catch(() => {});
    }
  })();
  // Requester: times each request; replies carry the request number as the payload.
  const sentAt = new Map<number, number>();
  const read = (async () => {
    const buf = new Uint8Array(4096);
    let carry = "";
    while (true) {
      let n: number | null;
      try {
        n = await requester.read(buf);
      } catch {
        return;
      }
      if (n === null) return;
      const now = performance.now();
      carry += dec.decode(buf.subarray(0, n));
      let out = "";
      let i: number;
      while ((i = carry.indexOf("\r\n")) >= 0) {
        const line = carry.slice(0, i);
        if (line.startsWith("MSG ")) {
          const [, subject, , size] = line.split(" ");
          if (carry.length < i + 2 + Number(size) + 2) break;
          carry = carry.slice(i + 2 + Number(size) + 2);
          const seq = Number(subject.slice("probe.rep.".length));
          const at = sentAt.get(seq);
          if (at !== undefined) {
            sentAt.delete(seq);
            result.latencies.push(now - at);
          }
          continue;
        }
        if (line === "PING") out += "PONG\r\n";
        carry = carry.slice(i + 2);
      }
      if (out) await writeAll(requester, enc.encode(out)).catch(() => {});
    }
  })();
  await writeAll(requester, enc.encode("UNSUB 1\r\nSUB probe.rep.* 2\r\nPING\r\n"));
  for (let seq = 0; !stopped; seq++) {
    const at = performance.now();
    sentAt.set(seq, at);
    result.sent++;
    try {
      await writeAll(requester, enc.encode(`PUB probe.req probe.rep.${seq} 1\r\nq\r\n`));
    } catch {
      break;
    }
    const wait = intervalMs - (performance.now() - at);
    if (wait > 0) await Promise.race([sleep(wait), stop]);
  }
  // Give the last requests time to come back, then count what never did.
  const deadline = performance.now() + lostMs;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(20);
  result.lost = sentAt.size;
  closeQuietly(requester);
  closeQuietly(responder);
  await Promise.all([respond, read]);
  return result;
}

// ---- flood ----------------------------------------------------------------------------------

/** Flood figures. */
export interface FloodResult {
  /** Bytes the publisher handed to its socket. */
  published: number;
  /** Subscribers the server cut (the socket was closed under them). */
  cut: number;
}

/** PUB frames of `size`-byte payloads, about 64 KB in one chunk. */
function floodChunk(size: number): Uint8Array {
  const frame = `PUB flood ${size}\r\n${"x".repeat(size)}\r\n`;
  return enc.encode(frame.repeat(Math.max(1, Math.floor(65536 / frame.length))));
}

/**
 * One publisher writes `size`-byte messages to `flood` as fast as the server takes them; one
 * subscriber at a time subscribes and never reads. A subscriber is known cut when a PING write
 * every 200 ms fails; a new one takes its place. Runs until `stop` resolves.
 */
export async function runFlood(
  ep: Endpoint,
  stop: Promise<void>,
  size = 128,
): Promise<FloodResult> {
  const result: FloodResult = { published: 0, cut: 0 };
  let stopped = false;
  stop.then(() => (stopped = true));
  const subscribers = (async () => {
    while (!stopped) {
      let conn: Deno.Conn;
      try {
        conn = await Deno.connect(ep);
        await writeAll(conn, enc.encode('CONNECT {"verbose":false}\r\nSUB flood 1\r\nPING\r\n'));
      } catch {
        await Promise.race([sleep(100), stop]);
        continue;
      }
      const ping = enc.encode("PING\r\n");
      while (!stopped) {
        await Promise.race([sleep(200), stop]);
        try {
          await writeAll(conn, ping);
        } catch {
          result.cut++;
          break;
        }
      }
      closeQuietly(conn);
    }
  })();
  const publisher = (async () => {
    const chunk = floodChunk(size);
    while (!stopped) {
      let conn: Deno.Conn;
      try {
        conn = await Deno.connect(ep);
        await writeAll(conn, enc.encode('CONNECT {"verbose":false}\r\n'));
      } catch {
        await Promise.race([sleep(100), stop]);
        continue;
      }
      // Drain what the server sends (INFO, PING) so the publisher is never the slow one.
      const drain = readUntil(conn, 1e9, () => stopped);
      try {
        while (!stopped) {
          await writeAll(conn, chunk);
          result.published += chunk.length;
        }
      } catch {
        // cut: reconnect
      }
      closeQuietly(conn);
      await drain;
    }
  })();
  await Promise.all([subscribers, publisher]);
  return result;
}

// ---- garbage --------------------------------------------------------------------------------

/** The kinds of hostile connection, in the order the loops take them. */
export const GARBAGE_KINDS = [
  "random",
  "long_line",
  "nested_json",
  "huge_pub",
  "many_subs",
  "truncated_hpub",
] as const;

/** Garbage figures. */
export interface GarbageResult {
  /** Hostile connections the server dealt with (answered, closed, or took in full). */
  handled: number;
  /** Connections refused or reset before the payload went out. */
  failed: number;
}

export function garbagePayloads(
  rand: () => number,
): Record<(typeof GARBAGE_KINDS)[number], Uint8Array> {
  const random = new Uint8Array(4096);
  for (let i = 0; i < random.length; i++) random[i] = Math.floor(rand() * 256);
  const subs: string[] = ['CONNECT {"verbose":false}\r\n'];
  for (let i = 0; i < 2000; i++) subs.push(`SUB g.${i}.sub ${i}\r\n`);
  subs.push("PING\r\n");
  return {
    random,
    long_line: enc.encode("SUB " + "a".repeat(100 * 1024)),
    nested_json: enc.encode(`CONNECT ${'{"a":'.repeat(5000)}1${"}".repeat(5000)}\r\nPING\r\n`),
    huge_pub: enc.encode('CONNECT {"verbose":false}\r\nPUB x 99999999\r\n'),
    many_subs: enc.encode(subs.join("")),
    truncated_hpub: enc.encode(
      'CONNECT {"verbose":false,"headers":true}\r\nHPUB x 12 100\r\nNATS/',
    ),
  };
}

export { prng };

/**
 * One hostile connection: connect, send the payload, then wait (at most `waitMs`) for the
 * server's answer (PONG, -ERR) or its close; the client closes either way. False when the
 * connection was refused.
 */
export async function hostileConnection(ep: Endpoint, payload: Uint8Array, waitMs: number) {
  let conn: Deno.Conn;
  try {
    conn = await Deno.connect(ep);
  } catch {
    return false;
  }
  try {
    await writeAll(conn, payload);
  } catch {
    // reset mid-write: the server already refused it, which is handling it
  }
  if (waitMs > 0) await readUntil(conn, waitMs, (t) => t.includes("PONG") || t.includes("-ERR"));
  closeQuietly(conn);
  return true;
}

/**
 * `workers` loops, each opening hostile connections one after another (cycling through
 * {@link GARBAGE_KINDS}) until `stop` resolves.
 */
export async function runGarbage(
  ep: Endpoint,
  stop: Promise<void>,
  workers = 8,
  waitMs = 2000,
): Promise<GarbageResult> {
  const result: GarbageResult = { handled: 0, failed: 0 };
  let stopped = false;
  stop.then(() => (stopped = true));
  const payloads = garbagePayloads(prng(42));
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = w; !stopped; i++) {
      const kind = GARBAGE_KINDS[i % GARBAGE_KINDS.length];
      // A truncated HPUB gets no answer: the client hangs up right after it.
      const wait = kind === "truncated_hpub" ? 0 : waitMs;
      if (await hostileConnection(ep, payloads[kind], wait)) result.handled++;
      else {
        result.failed++;
        await Promise.race([sleep(20), stop]);
      }
    }
  });
  await Promise.all(loops);
  return result;
}

// ---- memory ---------------------------------------------------------------------------------

/** `VmRSS` and `VmHWM` of a process, in MB. */
export function procMemory(pid: number | "self"): { rss: number; hwm: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return { rss: Number(rss?.[1] ?? 0) / 1024, hwm: Number(hwm?.[1] ?? 0) / 1024 };
}

/** Samples `VmRSS` every `everyMs` until `stop`; the highest sample, in MB. */
export async function sampleRss(pid: number | "self", stop: Promise<void>, everyMs = 100) {
  let stopped = false;
  stop.then(() => (stopped = true));
  let peak = 0;
  while (!stopped) {
    try {
      peak = Math.max(peak, procMemory(pid).rss);
    } catch {
      break; // the process is gone
    }
    await Promise.race([sleep(everyMs), stop]);
  }
  return peak;
}

/** A promise resolved after `ms`, and a way to resolve it early. */
export function deadline(ms: number): { done: Promise<void>; end(): void } {
  let end!: () => void;
  const done = new Promise<void>((r) => (end = r));
  const timer = setTimeout(end, ms);
  return {
    done,
    end: () => {
      clearTimeout(timer);
      end();
    },
  };
}

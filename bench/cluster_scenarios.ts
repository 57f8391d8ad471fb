/**
 * @module
 * The load of the cluster benchmark (cluster.ts): publish/subscribe (one or several subscribers)
 * and request/reply scenarios driven by raw clients, publishers and requesters on server A,
 * subscribers and the responder on B, each checking that every message arrived intact and in
 * order. Runs in the benchmark's `deno run -A` process.
 */

import { CR, LF, RawConn } from "./cluster_client.ts";
import type { Options } from "./cluster_options.ts";
import { clientPct, fmtRate, type Result } from "./cluster_report.ts";
import { type Cluster, procStat, sleep } from "./cluster_servers.ts";

const enc = new TextEncoder();

/** A subscriber that checks every message: length, and sequence numbers in order. */
class Subscriber {
  expected = 0; // next sequence number
  received = 0;
  errors = 0;
  firstError = "";
  probed = false;
  lastAt = 0;
  constructor(readonly conn: RawConn, readonly size: number) {
    conn.onMsg = (sid, b, _rs, _re, ps, len) => {
      if (sid === 2) {
        this.probed = true;
        return;
      }
      if (len !== size) return this.fail(`payload length ${len}, want ${size}`);
      const seq = (b[ps] | (b[ps + 1] << 8) | (b[ps + 2] << 16) | (b[ps + 3] << 24)) >>> 0;
      if (seq !== this.expected) {
        return this.fail(`sequence ${seq}, want ${this.expected} (missing, dup or out of order)`);
      }
      this.expected++;
      this.received++;
    };
  }
  fail(what: string): void {
    if (this.errors++ === 0) this.firstError = what;
  }
}

/**
 * `subs` subscribers on B, one publisher on A sending `o.n` messages of `size` bytes (or until
 * `o.cap` s), at most a window ahead of the slowest subscriber; every message must arrive.
 */
async function pubsub(c: Cluster, o: Options, size: number, subs: number): Promise<Result> {
  const subsList: Subscriber[] = [];
  for (let i = 0; i < subs; i++) {
    const conn = await RawConn.connect(c.b.port);
    const s = new Subscriber(conn, size);
    await conn.write(enc.encode(`SUB bench 1\r\nSUB probe.${i} 2\r\n`));
    await conn.ping();
    subsList.push(s);
  }
  const pub = await RawConn.connect(c.a.port);
  // Interest: SUBs travel the route in order, so once a probe reaches subscriber i, server A
  // also knows its `bench` subscription.
  const probeDeadline = performance.now() + 10_000;
  while (subsList.some((s) => !s.probed)) {
    if (performance.now() > probeDeadline) throw new Error("subscription interest never reached A");
    let cmd = "";
    subsList.forEach((s, i) => {
      if (!s.probed) cmd += `PUB probe.${i} 0\r\n\r\n`;
    });
    await pub.write(enc.encode(cmd));
    await pub.ping();
    await sleep(10);
  }

  // pre-built PUB frames, ~64 KB per write
  const head = enc.encode(`PUB bench ${size}\r\n`);
  const frame = head.length + size + 2;
  const perChunk = Math.max(1, Math.floor(65536 / frame));
  const chunk = new Uint8Array(perChunk * frame);
  for (let k = 0; k < perChunk; k++) {
    const off = k * frame;
    chunk.set(head, off);
    for (let j = 0; j < size; j++) chunk[off + head.length + j] = 97 + (j % 26);
    chunk[off + frame - 2] = CR;
    chunk[off + frame - 1] = LF;
  }
  const dv = new DataView(chunk.buffer);
  // flow control: the publisher stays at most `window` messages ahead of the slowest subscriber
  const window = Math.max(20_000, Math.floor((8 << 20) / frame));
  let wake: (() => void) | null = null;
  for (const s of subsList) {
    s.conn.onRead = () => {
      if (wake) {
        const w = wake;
        wake = null;
        w();
      }
    };
  }
  const minReceived = () => {
    let m = Infinity;
    for (const s of subsList) if (s.received < m) m = s.received;
    return m;
  };

  const c0 = procStat(Deno.pid).cpu;
  const t0 = performance.now();
  const capAt = t0 + o.cap * 1000;
  let sent = 0;
  while (sent < o.n && performance.now() < capAt) {
    while (sent - minReceived() > window) {
      await new Promise<void>((r) => (wake = r));
      if (subsList.some((s) => s.conn.error) || pub.error) break;
    }
    if (subsList.some((s) => s.conn.error) || pub.error) break;
    const k = Math.min(perChunk, o.n - sent);
    for (let i = 0; i < k; i++) {
      const off = i * frame + head.length;
      dv.setUint32(off, sent + i, true);
      dv.setUint32(off + 4, 0, true);
    }
    await pub.write(chunk.subarray(0, k * frame));
    sent += k;
  }
  await pub.ping();
  const tPub = performance.now();
  const drainAt = tPub + o.drain * 1000;
  while (minReceived() < sent && performance.now() < drainAt) {
    if (subsList.some((s) => s.conn.error || s.errors)) break;
    await new Promise<void>((r) => {
      wake = r;
      setTimeout(r, 50);
    });
  }
  const tEnd = performance.now();
  const u = c.usage();
  const errs: string[] = [];
  if (pub.error) errs.push(`publisher: ${pub.error}`);
  subsList.forEach((s, i) => {
    if (s.conn.error) errs.push(`sub ${i}: ${s.conn.error}`);
    if (s.errors) errs.push(`sub ${i}: ${s.errors} errors, first: ${s.firstError}`);
    if (s.received !== sent) errs.push(`sub ${i}: received ${s.received}/${sent}`);
  });
  pub.close();
  for (const s of subsList) s.conn.close();
  if (errs.length) {
    throw new Error(`${c.kind} pubsub size=${size} subs=${subs}: ${errs.join("; ")}`);
  }
  const secs = (tEnd - t0) / 1000;
  const rate = sent / secs;
  return {
    msgsPerSec: rate,
    ...u,
    detail: `sent ${sent}${sent < o.n ? " (capped)" : ""}, ${subs} x ${sent} delivered in order, ` +
      `${fmtRate(rate)} msgs/s per sub, pub ${fmtRate(sent / ((tPub - t0) / 1000))} msgs/s, ` +
      `client cpu ${clientPct(c0, secs)}%`,
  };
}

/** Request/reply across the route: requester on A, an echoing responder on B; latencies in µs. */
async function reqrep(c: Cluster, o: Options, size: number): Promise<Result> {
  const resp = await RawConn.connect(c.b.port);
  const rbuf = new Uint8Array(1 << 16);
  resp.onMsg = (_sid, b, rs, re, ps, len) => {
    // PUB <reply> <len>\r\n<payload>\r\n, echoing the request
    let p = 0;
    rbuf.set(enc.encode("PUB "), 0);
    p = 4;
    rbuf.set(b.subarray(rs, re), p);
    p += re - rs;
    const l = enc.encode(` ${len}\r\n`);
    rbuf.set(l, p);
    p += l.length;
    rbuf.set(b.subarray(ps, ps + len), p);
    p += len;
    rbuf[p++] = CR;
    rbuf[p++] = LF;
    resp.write(rbuf.slice(0, p)).catch(() => {});
  };
  await resp.write(enc.encode("SUB bench.req 1\r\n"));
  await resp.ping();

  const req = await RawConn.connect(c.a.port);
  await req.write(enc.encode("SUB _INBOX.bench.1 1\r\n"));
  await req.ping();
  const head = enc.encode(`PUB bench.req _INBOX.bench.1 ${size}\r\n`);
  const msg = new Uint8Array(head.length + size + 2);
  msg.set(head);
  for (let j = 0; j < size; j++) msg[head.length + j] = 97 + (j % 26);
  msg[msg.length - 2] = CR;
  msg[msg.length - 1] = LF;
  const dv = new DataView(msg.buffer);
  let waiting: { seq: number; done: () => void } | null = null;
  let bad = "";
  req.onMsg = (_sid, b, _rs, _re, ps, len) => {
    const seq = (b[ps] | (b[ps + 1] << 8) | (b[ps + 2] << 16) | (b[ps + 3] << 24)) >>> 0;
    if (len !== size) bad ||= `reply length ${len}, want ${size}`;
    for (let j = 8; j < len; j++) {
      if (b[ps + j] !== 97 + (j % 26)) {
        bad ||= `reply payload differs (seq ${seq})`;
        break;
      }
    }
    if (waiting && waiting.seq === seq) {
      const w = waiting;
      waiting = null;
      w.done();
    }
  };
  let seq = 0;
  const roundTrip = (timeoutMs: number): Promise<boolean> => {
    const s = seq++;
    dv.setUint32(head.length, s, true);
    return new Promise<boolean>((resolve) => {
      const t = timeoutMs > 0 ? setTimeout(() => resolve(false), timeoutMs) : undefined;
      waiting = {
        seq: s,
        done: () => {
          clearTimeout(t);
          resolve(true);
        },
      };
      req.write(msg).catch(() => {});
    });
  };
  // warm-up: retry until interest crossed the route both ways, then untimed round trips
  const readyBy = performance.now() + 10_000;
  while (!(await roundTrip(200))) {
    if (performance.now() > readyBy) throw new Error(`${c.kind} reqrep: no reply within 10 s`);
  }
  for (let i = 0; i < o.warmup; i++) {
    if (!(await roundTrip(5000))) throw new Error(`${c.kind} reqrep: warm-up reply lost`);
  }
  const lat: number[] = [];
  const c0 = procStat(Deno.pid).cpu;
  const t0 = performance.now();
  const capAt = t0 + o.cap * 1000;
  while (lat.length < o.reqs && performance.now() < capAt) {
    const s = performance.now();
    if (!(await roundTrip(5000))) throw new Error(`${c.kind} reqrep: reply ${seq - 1} lost`);
    lat.push((performance.now() - s) * 1000);
  }
  const secs = (performance.now() - t0) / 1000;
  const u = c.usage();
  const err = bad || req.error || resp.error;
  req.close();
  resp.close();
  if (err) throw new Error(`${c.kind} reqrep: ${err}`);
  lat.sort((x, y) => x - y);
  const pct = (q: number) => lat[Math.min(lat.length - 1, Math.ceil(q * lat.length) - 1)];
  return {
    p50: pct(0.5),
    p99: pct(0.99),
    ...u,
    detail: `${lat.length} round trips, ${fmtRate(lat.length / secs)}/s, p50 ${
      pct(0.5).toFixed(0)
    } µs, p99 ${pct(0.99).toFixed(0)} µs, client cpu ${clientPct(c0, secs)}%`,
  };
}

/** One benchmark scenario: its `--only` name, its table label and how to run it on a cluster. */
export interface Scenario {
  name: string;
  label: string;
  run: (c: Cluster, o: Options) => Promise<Result>;
}

/** All scenarios, in the order they run. */
export const SCENARIOS: Scenario[] = [
  { name: "pubsub16", label: "1 pub A -> 1 sub B, 16 B", run: (c, o) => pubsub(c, o, 16, 1) },
  { name: "pubsub128", label: "1 pub A -> 1 sub B, 128 B", run: (c, o) => pubsub(c, o, 128, 1) },
  { name: "fanout16", label: "1 pub A -> 4 subs B, 16 B", run: (c, o) => pubsub(c, o, 16, 4) },
  { name: "fanout128", label: "1 pub A -> 4 subs B, 128 B", run: (c, o) => pubsub(c, o, 128, 4) },
  { name: "reqrep", label: "req A -> resp B, 128 B", run: (c, o) => reqrep(c, o, 128) },
];

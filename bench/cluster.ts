/**
 * @module
 * Cluster benchmark: a 2-node denats cluster against a 2-node nats-server cluster, in the same
 * run on the same machine, alternating (denats then nats-server, every round). Publishers and
 * requesters connect to server A, subscribers and the responder to server B, so every message
 * crosses the route. Every scenario starts a fresh cluster (so peak RSS is per scenario), waits
 * until the route is up on both sides, runs, reads each server's CPU time (`/proc/<pid>/stat`,
 * from route-up to the end of the scenario) and peak RSS (`VmHWM`), and kills both servers.
 *
 * The client is raw TCP (pre-built PUB buffers with the sequence patched into the first 8
 * payload bytes, a minimal MSG parser). Every subscriber must receive every published message,
 * in order, with the right length; anything else fails the run (exit status 1).
 *
 * Usage: deno run -A bench/cluster.ts [--rounds 3] [--n 1500000] [--reqs 5000] [--cap 5]
 *        [--only pubsub16,fanout128,reqrep] [--nats-server /usr/sbin/nats-server]
 */

const ROOT = new URL("..", import.meta.url).pathname;
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// options

interface Options {
  rounds: number;
  n: number; // messages per pub/sub scenario
  reqs: number; // timed round trips
  warmup: number; // untimed round trips
  cap: number; // seconds: publishing (and timed reqrep) stops after this
  drain: number; // seconds subscribers may lag behind the final PONG
  only: string[] | null;
  denats: string;
  natsServer: string;
}

function parseArgs(args: string[]): Options {
  const o: Options = {
    rounds: 3,
    n: 1_500_000,
    reqs: 5_000,
    warmup: 500,
    cap: 5,
    drain: 15,
    only: null,
    denats: `${ROOT}bin/denats`,
    natsServer: "/usr/sbin/nats-server",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => {
      const x = args[++i];
      if (x === undefined) usage(`${a} needs a value`);
      return x;
    };
    const num = () => {
      const x = v().toLowerCase();
      const m = /^(\d+(?:\.\d+)?)([km]?)$/.exec(x);
      if (!m) usage(`${a}: not a number: ${x}`);
      return Number(m![1]) * (m![2] === "k" ? 1e3 : m![2] === "m" ? 1e6 : 1);
    };
    switch (a) {
      case "--rounds":
        o.rounds = num();
        break;
      case "--n":
      case "-n":
        o.n = num();
        break;
      case "--reqs":
        o.reqs = num();
        break;
      case "--warmup":
        o.warmup = num();
        break;
      case "--cap":
        o.cap = num();
        break;
      case "--drain":
        o.drain = num();
        break;
      case "--only":
        o.only = v().split(",");
        break;
      case "--denats":
        o.denats = v();
        break;
      case "--nats-server":
        o.natsServer = v();
        break;
      case "-h":
      case "--help":
        usage();
        break;
      default:
        usage(`unknown option ${a}`);
    }
  }
  return o;
}

function usage(err?: string): never {
  if (err) console.error(`cluster_bench: ${err}`);
  console.error(
    "usage: bench/cluster.sh [--rounds 3] [--n 1500000] [--reqs 5000] [--warmup 500] [--cap 5]\n" +
      "                              [--drain 15] [--only pubsub16,pubsub128,fanout16,fanout128,reqrep]\n" +
      "                              [--denats bin/denats] [--nats-server /usr/sbin/nats-server]",
  );
  Deno.exit(err ? 2 : 0);
}

// ---------------------------------------------------------------------------------------------
// servers

const usedPorts = new Set<number>();
function freePort(): number {
  for (let i = 0; i < 1000; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (usedPorts.has(port)) continue;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      usedPorts.add(port);
      return port;
    } catch {
      // taken
    }
  }
  throw new Error("no free port");
}

const CLK_TCK = 100;

interface ProcStat {
  cpu: number; // seconds (user + system)
  hwm: number; // bytes
}

function procStat(pid: number): ProcStat {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): utime is field 14, stime field 15
  const cpu = (Number(f[11]) + Number(f[12])) / CLK_TCK;
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return { cpu, hwm: m ? Number(m[1]) * 1024 : 0 };
}

class Server {
  readonly child: Deno.ChildProcess;
  readonly port: number;
  readonly mport: number;
  constructor(bin: string, port: number, cport: number, otherCport: number) {
    this.port = port;
    this.mport = freePort();
    this.child = new Deno.Command(bin, {
      args: [
        "-a",
        "127.0.0.1",
        "-p",
        String(port),
        "-m",
        String(this.mport),
        "--cluster",
        `nats://127.0.0.1:${cport}`,
        "--routes",
        `nats://127.0.0.1:${otherCport}`,
        "--cluster_name",
        "bench",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  }
  get pid(): number {
    return this.child.pid;
  }
  async routez(): Promise<{ server_id: string; routes: { remote_id: string; rid: number }[] }> {
    const r = await fetch(`http://127.0.0.1:${this.mport}/routez`);
    return await r.json();
  }
  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.child.status;
  }
}

class Cluster {
  readonly kind: string;
  readonly a: Server;
  readonly b: Server;
  base: { a: ProcStat; b: ProcStat } | null = null;
  constructor(kind: string, bin: string) {
    this.kind = kind;
    const ca = freePort(), cb = freePort();
    this.a = new Server(bin, freePort(), ca, cb);
    this.b = new Server(bin, freePort(), cb, ca);
  }
  /** Waits until each server has exactly one route, to the other, unchanged over two polls. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let last = "";
    let stable = 0;
    while (performance.now() < deadline) {
      try {
        const [ra, rb] = await Promise.all([this.a.routez(), this.b.routez()]);
        const ok = ra.routes?.length === 1 && rb.routes?.length === 1 &&
          ra.routes[0].remote_id === rb.server_id && rb.routes[0].remote_id === ra.server_id;
        const key = ok ? `${ra.routes[0].rid}/${rb.routes[0].rid}` : "";
        if (ok && key === last) {
          if (++stable >= 2) {
            this.base = { a: procStat(this.a.pid), b: procStat(this.b.pid) };
            return;
          }
        } else stable = 0;
        last = key;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    throw new Error(`${this.kind}: route between A and B not up within ${timeoutMs} ms`);
  }
  usage(): { cpuA: number; cpuB: number; rssA: number; rssB: number } {
    const a = procStat(this.a.pid), b = procStat(this.b.pid);
    return {
      cpuA: a.cpu - this.base!.a.cpu,
      cpuB: b.cpu - this.base!.b.cpu,
      rssA: a.hwm,
      rssB: b.hwm,
    };
  }
  async stop(): Promise<void> {
    await Promise.all([this.a.kill(), this.b.kill()]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// raw NATS client

const CR = 13, LF = 10, SP = 32;

type MsgHandler = (
  sid: number,
  buf: Uint8Array,
  replyStart: number,
  replyEnd: number,
  payloadStart: number,
  payloadLen: number,
) => void;

class RawConn {
  readonly conn: Deno.TcpConn;
  #buf = new Uint8Array(1 << 20);
  #start = 0;
  #end = 0;
  #pongs: (() => void)[] = [];
  #closed = false;
  error: string | null = null;
  onMsg: MsgHandler = () => {};
  /** Called after every read that was parsed (subscriber progress). */
  onRead: () => void = () => {};

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  static async connect(port: number): Promise<RawConn> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    const c = new RawConn(conn);
    c.#readLoop();
    await c.write(
      enc.encode(`CONNECT {"verbose":false,"pedantic":false,"echo":false,"protocol":1}\r\n`),
    );
    await c.ping();
    return c;
  }

  async write(b: Uint8Array): Promise<void> {
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }

  /** PING, resolved at the matching PONG (the server has processed everything sent before). */
  async ping(): Promise<void> {
    const p = new Promise<void>((r) => this.#pongs.push(r));
    await this.write(enc.encode("PING\r\n"));
    await p;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  async #readLoop(): Promise<void> {
    try {
      while (true) {
        if (this.#end === this.#buf.length) {
          if (this.#start > 0) {
            this.#buf.copyWithin(0, this.#start, this.#end);
            this.#end -= this.#start;
            this.#start = 0;
          } else {
            const nb = new Uint8Array(this.#buf.length * 2);
            nb.set(this.#buf.subarray(0, this.#end));
            this.#buf = nb;
          }
        }
        const n = await this.conn.read(this.#buf.subarray(this.#end));
        if (n === null) break;
        this.#end += n;
        this.#parse();
        if (this.#start === this.#end) this.#start = this.#end = 0;
        this.onRead();
      }
    } catch (e) {
      if (!this.#closed) this.error ??= `read: ${e}`;
    }
    if (!this.#closed) this.error ??= "connection closed by server";
  }

  #parse(): void {
    const b = this.#buf;
    let p = this.#start;
    const end = this.#end;
    while (p < end) {
      // control line
      let eol = -1;
      for (let i = p; i < end - 1; i++) {
        if (b[i] === CR && b[i + 1] === LF) {
          eol = i;
          break;
        }
      }
      if (eol < 0) break;
      const c0 = b[p];
      if (c0 === 77 /* M */) {
        // MSG <subject> <sid> [reply] <#bytes>
        const tok: number[] = [];
        let i = p + 4;
        let ts = i;
        for (; i <= eol; i++) {
          if (i === eol || b[i] === SP) {
            if (i > ts) tok.push(ts, i);
            ts = i + 1;
          }
        }
        let len = 0;
        for (let k = tok[tok.length - 2]; k < tok[tok.length - 1]; k++) len = len * 10 + b[k] - 48;
        const ps = eol + 2;
        if (ps + len + 2 > end) break; // wait for the rest
        let sid = 0;
        for (let k = tok[2]; k < tok[3]; k++) sid = sid * 10 + b[k] - 48;
        const hasReply = tok.length === 8;
        this.onMsg(sid, b, hasReply ? tok[4] : 0, hasReply ? tok[5] : 0, ps, len);
        p = ps + len + 2;
        continue;
      }
      if (c0 === 80 /* P */) {
        if (b[p + 1] === 73 /* PING */) {
          this.write(enc.encode("PONG\r\n")).catch(() => {});
        } else {
          this.#pongs.shift()?.();
        }
      } else if (c0 === 45 /* -ERR */) {
        this.error ??= new TextDecoder().decode(b.subarray(p, eol));
      }
      p = eol + 2;
    }
    this.#start = p;
  }
}

// ---------------------------------------------------------------------------------------------
// scenarios

interface Result {
  msgsPerSec?: number; // per subscriber, delivered
  p50?: number; // µs
  p99?: number; // µs
  cpuA: number;
  cpuB: number;
  rssA: number;
  rssB: number;
  detail: string;
}

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

interface Scenario {
  name: string;
  label: string;
  run: (c: Cluster, o: Options) => Promise<Result>;
}

const SCENARIOS: Scenario[] = [
  { name: "pubsub16", label: "1 pub A -> 1 sub B, 16 B", run: (c, o) => pubsub(c, o, 16, 1) },
  { name: "pubsub128", label: "1 pub A -> 1 sub B, 128 B", run: (c, o) => pubsub(c, o, 128, 1) },
  { name: "fanout16", label: "1 pub A -> 4 subs B, 16 B", run: (c, o) => pubsub(c, o, 16, 4) },
  { name: "fanout128", label: "1 pub A -> 4 subs B, 128 B", run: (c, o) => pubsub(c, o, 128, 4) },
  { name: "reqrep", label: "req A -> resp B, 128 B", run: (c, o) => reqrep(c, o, 128) },
];

// ---------------------------------------------------------------------------------------------
// reporting

/** CPU of this (client) process since `c0`, in percent of one core over `secs`. */
function clientPct(c0: number, secs: number): string {
  return ((procStat(Deno.pid).cpu - c0) / secs * 100).toFixed(0);
}

function fmtRate(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const o = parseArgs(Deno.args);
  const scenarios = o.only ? SCENARIOS.filter((s) => o.only!.includes(s.name)) : SCENARIOS;
  if (o.only && scenarios.length !== o.only.length) {
    usage(`--only: scenarios are ${SCENARIOS.map((s) => s.name).join(",")}`);
  }
  const kinds: [string, string][] = [["denats", o.denats], ["nats-server", o.natsServer]];
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const cores = (cpuinfo.match(/^processor/gm) ?? []).length;
  console.log(
    `cluster_bench: 2-node clusters, pub/req on A, sub/resp on B; ${o.rounds} rounds ` +
      `(denats then nats-server); n=${o.n}, reqs=${o.reqs}, cap ${o.cap}s; ${cores} cores; ` +
      `deno ${Deno.version.deno}`,
  );
  // results[scenario][kind] = Result[]
  const results = new Map<string, Map<string, Result[]>>();
  let failed = false;
  const started = performance.now();
  for (let round = 1; round <= o.rounds; round++) {
    for (const [kind, bin] of kinds) {
      for (const sc of scenarios) {
        const c = new Cluster(kind, bin);
        try {
          await c.ready();
          const r = await sc.run(c, o);
          const per = results.get(sc.name) ?? new Map<string, Result[]>();
          results.set(sc.name, per);
          (per.get(kind) ?? per.set(kind, []).get(kind)!).push(r);
          console.log(
            `  round ${round} ${kind.padEnd(11)} ${sc.name.padEnd(9)} ${r.detail}; ` +
              `cpu A ${r.cpuA.toFixed(2)}s B ${r.cpuB.toFixed(2)}s, ` +
              `rss A ${(r.rssA / 1e6).toFixed(0)}MB B ${(r.rssB / 1e6).toFixed(0)}MB`,
          );
        } catch (e) {
          failed = true;
          console.error(`  round ${round} ${kind} ${sc.name}: FAIL: ${(e as Error).message}`);
        } finally {
          await c.stop();
        }
      }
    }
  }

  const rows: string[][] = [["scenario", "metric", "denats", "nats-server", "denats/nats-server"]];
  const num = (x: number, d = 0) =>
    x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  for (const sc of scenarios) {
    const per = results.get(sc.name);
    const d = per?.get("denats") ?? [];
    const n = per?.get("nats-server") ?? [];
    const line = (metric: string, f: (r: Result) => number, fmt: (x: number) => string) => {
      const md = d.length ? median(d.map(f)) : NaN;
      const mn = n.length ? median(n.map(f)) : NaN;
      rows.push([
        sc.label,
        metric,
        fmt(md),
        fmt(mn),
        Number.isFinite(md / mn) ? (md / mn).toFixed(2) : "-",
      ]);
    };
    if (sc.name === "reqrep") {
      line("p50 latency µs", (r) => r.p50!, (x) => num(x));
      line("p99 latency µs", (r) => r.p99!, (x) => num(x));
    } else {
      line("msgs/s (per sub)", (r) => r.msgsPerSec!, (x) => num(x));
    }
    line("CPU s, server A", (r) => r.cpuA, (x) => num(x, 2));
    line("CPU s, server B", (r) => r.cpuB, (x) => num(x, 2));
    line("peak RSS MB, A", (r) => r.rssA / 1e6, (x) => num(x, 0));
    line("peak RSS MB, B", (r) => r.rssB / 1e6, (x) => num(x, 0));
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(
    `\nmedians of ${o.rounds} rounds (${((performance.now() - started) / 1000).toFixed(0)} s):\n`,
  );
  rows.forEach((r, k) => {
    console.log(`| ${r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ")} |`);
    if (k === 0) {
      console.log(
        `|${w.map((x, i) => (i < 2 ? "-".repeat(x + 2) : "-".repeat(x + 1) + ":")).join("|")}|`,
      );
    }
  });
  if (failed) {
    console.error("\ncluster_bench: FAIL (see above)");
    Deno.exit(1);
  }
}

if (import.meta.main) await main();

/**
 * @module
 * What a message costs when it crosses from one shard worker to another. Starts
 * `bin/denats --shards 2`, places a publisher and a subscriber on the same worker and on
 * different workers (a connection's worker is known from its cid), sends the same messages
 * through each pair, and reports the server's CPU time per message (from /proc) and the
 * request/reply round trip for both placements.
 *
 * ```sh
 * deno run -A bench/cross_worker.ts [messages]
 * ```
 */
const N = Number(Deno.args[0] ?? 400_000);
const enc = new TextEncoder();
const dec = new TextDecoder();
const root = new URL("..", import.meta.url).pathname;

function cpuTicks(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in 1/100 s
}

class Client {
  conn!: Deno.TcpConn;
  cid = 0;
  #buf = new Uint8Array(256 * 1024);
  #text = "";

  static async open(port: number): Promise<Client> {
    const c = new Client();
    c.conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const info = await c.readUntil(/\r\n/);
    c.cid = JSON.parse(info.slice(5, info.indexOf("\r\n"))).client_id;
    await c.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
    await c.readUntil(/PONG\r\n/);
    return c;
  }

  async write(s: string | Uint8Array): Promise<void> {
    const b = typeof s === "string" ? enc.encode(s) : s;
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }

  /** Reads until `re` matches what arrived, then consumes all of it. */
  async readUntil(re: RegExp): Promise<string> {
    while (!re.test(this.#text)) {
      const n = await this.conn.read(this.#buf);
      if (n === null) throw new Error("closed");
      this.#text += dec.decode(this.#buf.subarray(0, n));
    }
    const text = this.#text;
    this.#text = "";
    return text;
  }

  /** Counts MSG lines until `count` arrived (text is dropped as it is counted). */
  async receive(count: number): Promise<void> {
    let got = 0;
    let tail = "";
    while (got < count) {
      const n = await this.conn.read(this.#buf);
      if (n === null) throw new Error("closed");
      const text = tail + dec.decode(this.#buf.subarray(0, n));
      let at = 0;
      for (;;) {
        const i = text.indexOf("MSG ", at);
        if (i < 0) break;
        got++;
        at = i + 4;
      }
      tail = text.slice(Math.max(0, text.length - 3));
    }
  }
}

const port = 14000 + Math.floor(Math.random() * 1000);
const server = new Deno.Command(`${root}bin/denats`, {
  args: ["-a", "127.0.0.1", "-p", String(port), "--shards", "2"],
  stdout: "null",
  stderr: "null",
}).spawn();
try {
  let ready = false;
  for (let i = 0; i < 100 && !ready; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      ready = true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const clients: Client[] = [];
  const byWorker: Client[][] = [[], []];
  while (byWorker[0].length < 3 || byWorker[1].length < 3) {
    const c = await Client.open(port);
    clients.push(c);
    byWorker[(c.cid - 1) % 2].push(c);
  }
  const payload = "x".repeat(16);
  const batch = enc.encode(`PUB bench 16\r\n${payload}\r\n`.repeat(1000));
  const results: string[] = [];
  for (
    const [label, pub, sub] of [
      ["same worker", byWorker[0][0], byWorker[0][1]],
      ["across workers", byWorker[0][2], byWorker[1][0]],
    ] as const
  ) {
    await sub.write("SUB bench 1\r\nPING\r\n");
    await sub.readUntil(/PONG\r\n/);
    const before = cpuTicks(server.pid);
    const t0 = performance.now();
    const receiving = sub.receive(N);
    for (let i = 0; i < N / 1000; i++) await pub.write(batch);
    await receiving;
    const ms = performance.now() - t0;
    const cpuNs = (cpuTicks(server.pid) - before) * 10_000_000 / N;
    await sub.write("UNSUB 1\r\n");
    results.push(
      `${label.padEnd(15)} ${
        Math.round(N / (ms / 1000)).toLocaleString("en-US").padStart(10)
      } msgs/s  ` +
        `server CPU ${cpuNs.toFixed(0)} ns/msg`,
    );
  }
  // Request/reply round trips, responder on the same or the other worker.
  for (
    const [label, req, rep] of [
      ["same worker", byWorker[0][0], byWorker[0][1]],
      ["across workers", byWorker[0][0], byWorker[1][1]],
    ] as const
  ) {
    await rep.write("SUB svc 2\r\nPING\r\n");
    await rep.readUntil(/PONG\r\n/);
    await req.write("SUB inbox 3\r\nPING\r\n");
    await req.readUntil(/PONG\r\n/);
    const lat: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await req.write("PUB svc inbox 1\r\nx\r\n");
      await rep.readUntil(/MSG svc 2 inbox 1\r\nx\r\n/);
      await rep.write("PUB inbox 1\r\ny\r\n");
      await req.readUntil(/MSG inbox 3 1\r\ny\r\n/);
      lat.push(performance.now() - t0);
    }
    lat.sort((a, b) => a - b);
    await rep.write("UNSUB 2\r\n");
    await req.write("UNSUB 3\r\n");
    results.push(
      `${label.padEnd(15)} request/reply p50 ${(lat[1000] * 1000).toFixed(0)} us, p99 ${
        (lat[1980] * 1000).toFixed(0)
      } us`,
    );
  }
  console.log(results.join("\n"));
  for (const c of clients) c.conn.close();
} finally {
  server.kill("SIGINT");
  await server.status;
}

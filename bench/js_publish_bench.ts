/**
 * @module
 * Micro-benchmarks of the JetStream publish path through the real server objects: an in-process
 * denats with JetStream on, one file and one memory stream, and 256 publishes with a reply
 * subject awaiting their 256 PubAcks per iteration (natsbench jspub's window). Two publishers:
 * an internal connection (fan-out -> stream's internal connection -> checks -> store -> PubAck
 * -> fan-out, no sockets) and a raw TCP client on loopback (`PUB`s written in one batch, the
 * `MSG`s of the acks read back), which adds the parser and the client's outbound buffer.
 * Run with `deno bench --allow-all --unstable-net bench/js_publish_bench.ts`.
 */
import { startServer } from "../mod.ts";
import { InternalConnection } from "../server/internal/internal_connection.ts";

const WINDOW = 256;
const payload = new Uint8Array(128).fill(42);
const enc = new TextEncoder();
const root = Deno.makeTempDirSync({ prefix: "js_publish_bench_" });
Deno.writeTextFileSync(
  `${root}/server.conf`,
  `jetstream { store_dir: ${JSON.stringify(`${root}/js`)} }\n`,
);
const handle = await startServer({ config: `${root}/server.conf`, port: -1, quiet: true });
const server = handle.server;
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

const api = new InternalConnection(server, server.account()!);
for (const storage of ["file", "memory"]) {
  const reply = await api.request(
    `$JS.API.STREAM.CREATE.B_${storage}`,
    // max_msgs keeps the streams (and the heap) at a steady size however long the bench runs.
    JSON.stringify({
      name: `B_${storage}`,
      subjects: [`bench.${storage}`],
      storage,
      max_msgs: 100_000,
    }),
  );
  if (reply.string().includes('"error"')) throw new Error(reply.string());
}

/** An internal publisher with its ack inbox. */
function internalPublisher(subject: string) {
  const conn = new InternalConnection(server, server.account()!, { name: "bench-pub" });
  let acked = 0;
  let wake: (() => void) | null = null;
  conn.subscribe("_INBOX.bench.*", () => {
    acked++;
    if (acked === WINDOW) wake?.();
  });
  const replies = Array.from({ length: WINDOW }, (_, i) => `_INBOX.bench.${i}`);
  return async () => {
    acked = 0;
    const done = new Promise<void>((r) => (wake = r));
    for (let i = 0; i < WINDOW; i++) conn.publish(subject, payload, { reply: replies[i] });
    await done;
  };
}

/** A raw TCP publisher: CONNECT, SUB to its inbox, then windows of PUBs. */
async function tcpPublisher(subject: string) {
  const sock = await Deno.connect({ hostname: "127.0.0.1", port: handle.port });
  const head = `CONNECT {"verbose":false,"pedantic":false,"headers":true,"protocol":1}\r\n` +
    `SUB _INBOX.tcp.* 1\r\nPING\r\n`;
  await sock.write(enc.encode(head));
  const buf = new Uint8Array(256 * 1024);
  const pubs: Uint8Array[] = [];
  for (let i = 0; i < WINDOW; i++) {
    pubs.push(enc.encode(`PUB ${subject} _INBOX.tcp.${i} ${payload.length}\r\n`), payload);
    pubs.push(enc.encode("\r\n"));
  }
  const batch = new Uint8Array(pubs.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pubs) {
    batch.set(p, at);
    at += p.length;
  }
  // Skip INFO and PONG.
  let seen = "";
  while (!seen.includes("PONG\r\n")) {
    const n = await sock.read(buf);
    if (n === null) throw new Error("closed");
    seen += new TextDecoder().decode(buf.subarray(0, n));
  }
  const MSG = enc.encode("MSG ");
  let matched = 0;
  return async () => {
    let written = 0;
    while (written < batch.length) written += await sock.write(batch.subarray(written));
    // Count "MSG " (every ack is one MSG), also when split across reads.
    let msgs = 0;
    while (msgs < WINDOW) {
      const n = await sock.read(buf);
      if (n === null) throw new Error("closed");
      for (let i = 0; i < n; i++) {
        matched = buf[i] === MSG[matched] ? matched + 1 : buf[i] === MSG[0] ? 1 : 0;
        if (matched === MSG.length) {
          msgs++;
          matched = 0;
        }
      }
    }
  };
}

for (const storage of ["file", "memory"]) {
  const internal = internalPublisher(`bench.${storage}`);
  Deno.bench(`${storage} stream: ${WINDOW} publishes + acks, internal publisher`, {
    group: `internal`,
  }, internal);
  const tcp = await tcpPublisher(`bench.${storage}`);
  Deno.bench(`${storage} stream: ${WINDOW} publishes + acks, TCP publisher`, {
    group: `tcp`,
  }, tcp);
}

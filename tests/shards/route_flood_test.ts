/**
 * @module
 * A route flooding a sharded server (`shards: 2` with `cluster {}`): the route worker reads the
 * route with the connection core's read loop, so a full ring to the subscriber's shard stops it
 * reading the route socket (ARCHITECTURE.md invariant 4) instead of spilling the flood into
 * memory. The bound this test states: the route worker never holds more than one socket read
 * (64 KiB, plus 4 bytes a record) beyond its 1 MiB ring while the route pushes as fast as TCP
 * lets it, and the flood itself is held back (the route's writes block). The process RSS is
 * printed, not asserted: parallel test files share the process (measured alone: +6 to +14 MB;
 * without the back-pressure: 417 MB spilled, +696 MB). Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { startServer } from "../../mod.ts";
import { freePort } from "../cluster/_cluster.ts";
import { waitFor } from "../helpers/poll.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const ROUTE_ID = "NFLOODROUTE" + "A".repeat(45);
/** One socket read of a link (read_loop.ts DEFAULT_READ_SIZES.max) and its records' headers. */
const SPILL_BOUND = 64 * 1024 + 64 * 4 + 1024;

function rssBytes(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb * 1024;
}

/** Reads from `conn` until `text` was seen; returns everything read. */
async function readUntil(conn: Deno.Conn, text: string): Promise<string> {
  const buf = new Uint8Array(64 * 1024);
  let seen = "";
  while (!seen.includes(text)) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`closed before ${JSON.stringify(text)}: ${seen}`);
    seen += dec.decode(buf.subarray(0, n));
  }
  return seen;
}

/** Discards what `conn` sends (answering PINGs) until it closes. */
async function drainAndPong(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) return;
      const text = dec.decode(buf.subarray(0, n));
      if (text.includes("PING\r\n")) {
        await conn.write(enc.encode("PONG\r\n"));
      }
    }
  } catch {
    // closed by the test
  }
}

Deno.test("a route flooding the route worker is read no faster than the shards take it", async () => {
  if (Deno.build.os !== "linux") {
    console.log("skipped: RSS is read from /proc (Linux only)");
    return;
  }
  const clusterPort = freePort();
  await using s = await startServer({
    port: -1,
    shards: 2,
    maxPayload: 4096,
    maxPending: 512 * 1024 * 1024,
    quiet: true,
    cluster: { name: "flood", listen: `127.0.0.1:${clusterPort}` },
  });
  // A subscriber that never reads after its PONG: its shard stalls, the ring from the route
  // worker fills.
  const subscriber = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
  await readUntil(subscriber, "\r\n");
  await subscriber.write(enc.encode('CONNECT {"verbose":false}\r\nSUB flood 1\r\nPING\r\n'));
  await readUntil(subscriber, "PONG\r\n");

  const route = await Deno.connect({ hostname: "127.0.0.1", port: clusterPort });
  const info = JSON.stringify({
    server_id: ROUTE_ID,
    server_name: "flooder",
    version: "2.9.10",
    proto: 2,
    headers: true,
    max_payload: 1048576,
    cluster: "flood",
  });
  const connect = JSON.stringify({
    verbose: false,
    pedantic: false,
    headers: true,
    name: ROUTE_ID,
    cluster: "flood",
  });
  await readUntil(route, "\r\n");
  await route.write(enc.encode(`CONNECT ${connect}\r\nINFO ${info}\r\nPING\r\n`));
  // The subscriber's interest reaches the route (RS+), then the PONG.
  const hello = await readUntil(route, "PONG\r\n");
  if (!hello.includes("RS+ $G flood")) await readUntil(route, "RS+ $G flood");
  const reader = drainAndPong(route);

  const payload = "x".repeat(1000);
  const chunk = enc.encode(`RMSG $G flood 1000\r\n${payload}\r\n`.repeat(256));
  const rssBefore = rssBytes();
  let rssPeak = rssBefore;
  let written = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      rssPeak = Math.max(rssPeak, rssBytes());
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const until = Date.now() + 4000;
  try {
    // As fast as the socket takes it for 4 s, or until 400 MB went out.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeUp = new Promise<number>((r) => (timer = setTimeout(() => r(-1), 4000)));
    while (Date.now() < until && written < 400 * 1024 * 1024) {
      // A write may be partial: the rest of the chunk goes first.
      const part = chunk.subarray(written % chunk.length);
      const n = await Promise.race([route.write(part), timeUp]);
      if (n < 0) break;
      written += n;
    }
    clearTimeout(timer);
    done = true;
    await sampler;
    const counters = await s.sharded!.counters();
    console.log(
      `route flood: ${(written / 1e6).toFixed(1)} MB written in 4 s, spill peak ` +
        `${counters.ringSpillPeak} B, RSS +${((rssPeak - rssBefore) / 1e6).toFixed(1)} MB`,
    );
    assert.ok(counters.ringFullWaits > 0, "the ring to the subscriber's shard filled");
    assert.ok(
      counters.ringSpillPeak <= SPILL_BOUND,
      `route worker spill peak ${counters.ringSpillPeak} B over ${SPILL_BOUND} B`,
    );
    // Held back: far less than 4 s at socket speed got through to the server.
    assert.ok(written < 200 * 1024 * 1024, `the flood was not held back: ${written} B written`);
  } finally {
    done = true;
    route.close();
    subscriber.close();
    await reader;
  }
  await waitFor(async () => (await s.sharded!.counters()).connections === 0, 5000);
});

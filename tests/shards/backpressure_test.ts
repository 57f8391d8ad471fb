/**
 * @module
 * Flow control across shard workers (`shards: 2`, ARCHITECTURE.md invariant 4): a subscriber
 * that stops reading fills its outbound buffer, its worker stops draining the ring, the ring
 * fills and the publishers' worker stops reading them; once the subscriber reads again every
 * message arrives, in order per publisher, none lost or repeated. A subscriber that falls
 * further behind than `max_pending` is cut off as a slow consumer while the publisher and other
 * subscribers carry on. `max_payload: 4096` keeps the rings at their 1 MiB minimum.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../../server/start.ts";
import type { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import { waitFor } from "../helpers/poll.ts";
import { openOn, openRaw, type Placed, workerOf } from "../helpers/shard_placement.ts";

const SHARDS = 2;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A subscriber on a raw socket that reads only when told to, and checks what it gets. */
class GatedSubscriber {
  readonly conn: Deno.TcpConn;
  readonly worker: number;
  /** Next sequence number expected from each publisher. */
  readonly next = new Map<string, number>();
  received = 0;
  #pending = new Uint8Array(0);

  private constructor(conn: Deno.TcpConn, worker: number) {
    this.conn = conn;
    this.worker = worker;
  }

  /** Connects and subscribes to `subject` (PONG seen), then reads nothing more until asked. */
  static async open(s: ServerHandle, subject: string): Promise<GatedSubscriber> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    let text = "";
    const buf = new Uint8Array(4096);
    while (!text.includes("\r\n")) text += dec.decode(buf.subarray(0, (await conn.read(buf))!));
    const info = JSON.parse(text.slice(5, text.indexOf("\r\n")));
    const login = `CONNECT {"verbose":false,"pedantic":false}\r\n${sub(subject, 1)}PING\r\n`;
    await conn.write(enc.encode(login));
    text = "";
    while (!text.includes("PONG\r\n")) text += dec.decode(buf.subarray(0, (await conn.read(buf))!));
    return new GatedSubscriber(conn, workerOf(info.client_id, SHARDS));
  }

  /**
   * Reads until `total` messages arrived, checking that each publisher's payloads
   * (`<publisher> <seq> ...`) come in sequence from 0.
   */
  async readAll(total: number): Promise<void> {
    const buf = new Uint8Array(256 * 1024);
    while (this.received < total) {
      const n = await this.conn.read(buf);
      if (n === null) throw new Error(`closed after ${this.received} messages`);
      this.#take(buf.subarray(0, n));
    }
  }

  #take(bytes: Uint8Array): void {
    const all = new Uint8Array(this.#pending.length + bytes.length);
    all.set(this.#pending);
    all.set(bytes, this.#pending.length);
    let at = 0;
    for (;;) {
      const lf = all.indexOf(10, at);
      if (lf < 0) break;
      const line = dec.decode(all.subarray(at, lf - 1));
      if (line === "PING") {
        this.conn.write(enc.encode("PONG\r\n")).catch(() => {});
        at = lf + 1;
        continue;
      }
      if (!line.startsWith("MSG ")) throw new Error(`unexpected ${JSON.stringify(line)}`);
      const size = Number(line.slice(line.lastIndexOf(" ") + 1));
      if (lf + 1 + size + 2 > all.length) break;
      const head = dec.decode(all.subarray(lf + 1, lf + 1 + 24)).split(" ");
      const expected = this.next.get(head[0]) ?? 0;
      assert.equal(Number(head[1]), expected, `publisher ${head[0]} out of order`);
      this.next.set(head[0], expected + 1);
      this.received++;
      at = lf + 1 + size + 2;
    }
    this.#pending = all.slice(at);
  }
}

/** `count` PUBs of 1,000-byte payloads `<name> <seq> xxx...` as one buffer. */
function burst(subject: string, name: string, count: number): Uint8Array {
  let text = "";
  for (let i = 0; i < count; i++) {
    const head = `${name} ${i} `;
    text += pub(subject, head + "x".repeat(1000 - head.length));
  }
  return enc.encode(text);
}

Deno.test("a subscriber that stops reading back-pressures publishers on another worker without loss", async () => {
  await using s = await startServer({ port: -1, shards: SHARDS, maxPayload: 4096, quiet: true });
  const spare: RawClient[] = [];
  const subscriber = await GatedSubscriber.open(s, "bp.x");
  const away = (subscriber.worker + 1) % SHARDS;
  const open = () => openRaw(s, SHARDS);
  const publishers: Placed<RawClient>[] = [];
  try {
    for (let i = 0; i < 2; i++) publishers.push(await openOn(open, away, spare));
    const count = 12_000; // 2 x 12 MB through 1 MiB rings
    const sends = publishers.map((p, i) => p.client.send(burst("bp.x", `p${i}`, count)));
    // The subscriber reads nothing yet: the ring to its worker fills and the publishers wait.
    await waitFor(async () => (await s.sharded!.counters()).ringFullWaits > 0, 10_000);
    await Promise.all([subscriber.readAll(2 * count), ...sends]);
    assert.equal(subscriber.received, 2 * count);
    assert.deepEqual([...subscriber.next.entries()].sort(), [["p0", count], ["p1", count]]);
  } finally {
    subscriber.conn.close();
    await Promise.all([...publishers.map((p) => p.client.close()), ...spare.map((c) => c.close())]);
  }
});

Deno.test("a slow consumer on one worker is cut at max_pending; that worker keeps delivering", async () => {
  await using s = await startServer({
    port: -1,
    shards: SHARDS,
    maxPayload: 4096,
    maxPending: 512 * 1024,
    httpPort: -1,
    quiet: true,
  });
  const spare: RawClient[] = [];
  const slow = await GatedSubscriber.open(s, "sc.x");
  const away = (slow.worker + 1) % SHARDS;
  const open = () => openRaw(s, SHARDS);
  const publisher = await openOn(open, away, spare);
  try {
    // 20 MB from a publisher on the other worker: more than the socket buffers and 512 KiB hold.
    await publisher.client.send(burst("sc.x", "p0", 20_000));
    await publisher.client.flush(10_000);
    const varz = async () => await (await fetch(`${s.monitorUrl}/varz`)).json();
    await waitFor(async () => (await varz()).slow_consumers === 1, 10_000);
    const closed = await (await fetch(`${s.monitorUrl}/connz?state=closed`)).json();
    const reasons = closed.connections.map((c: { reason: string }) => c.reason);
    assert.deepEqual(reasons, ["Slow Consumer (Pending Bytes)"]);
    // The server closed the slow consumer's socket.
    const buf = new Uint8Array(64 * 1024);
    let gone = false;
    while (!gone) {
      try {
        gone = (await slow.conn.read(buf)) === null;
      } catch {
        gone = true; // reset by the server
      }
    }
    // A new subscriber on the same worker gets what the publisher sends next.
    const fresh = await openOn(open, slow.worker, spare);
    await fresh.client.send(sub("sc.x", 9));
    await fresh.client.flush();
    await publisher.client.send(pub("sc.x", "after"));
    const msg = await fresh.client.expectMsg(5_000);
    assert.equal(msg.payload, "after");
  } finally {
    slow.conn.close();
    await Promise.all([publisher.client.close(), ...spare.map((c) => c.close())]);
  }
});

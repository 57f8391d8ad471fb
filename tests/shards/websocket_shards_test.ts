/**
 * @module
 * WebSocket clients of a sharded server (`shards: 2`, every shard listening on the WebSocket
 * port with SO_REUSEPORT): a random port is bound by the first shard and joined by the others,
 * the main isolate logs the listener once as nats-server does, clients land on both workers
 * (with `Deno.serve` and with the raw listener that `compression: true` uses), messages cross
 * workers between WebSocket and TCP clients both ways, and a restarted shard rejoins the port.
 * A connection's worker is known from its cid: shard `i` of `n` hands out `i + 1, i + 1 + n, ...`.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { startServer } from "../../mod.ts";
import { Logger } from "../../server/log/logger.ts";
import type { ServerHandle } from "../../server/start.ts";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import { waitFor } from "../helpers/poll.ts";
import { openElsewhere, openRaw, type Placed, workerOf } from "../helpers/shard_placement.ts";
import { wsBlock } from "../websocket/ws_cases.ts";
import { WsClient } from "../websocket/ws_client.ts";
import { freePort } from "../helpers/free_port.ts";

const SHARDS = 2;
const CONNECT = 'CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\n';
const PREFIX = /^\[\d+\] (?:[\d/:. ]+ )?\[[A-Z]{3}\] /;

/** Opens a WebSocket client (INFO read, CONNECT + PING/PONG done) and reports its worker. */
async function openWs(s: ServerHandle): Promise<Placed<WsClient>> {
  const client = new WsClient(s.sharded!.websocketUrl!);
  await client.open();
  const info = JSON.parse((await client.expect(/^INFO (\{[^\r\n]*\}) \r\n/))[1]);
  client.send(CONNECT + "PING\r\n");
  await client.expect(/PONG\r\n/);
  return { client, worker: workerOf(info.client_id as number, SHARDS) };
}

/** Opens a TCP client (CONNECT + PING/PONG done) and reports its worker. */
function openTcp(s: ServerHandle): Promise<Placed<RawClient>> {
  return openRaw(s, SHARDS);
}

async function closeAll(list: (WsClient | RawClient)[]): Promise<void> {
  await Promise.all(
    list.map((c) => c instanceof RawClient ? c.close() : c[Symbol.asyncDispose]()),
  );
}

/** A logger that keeps the lines (without the `[pid] [LVL]` prefix). */
function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = new Logger((line) => lines.push(line.replace(PREFIX, "")), {
    pid: Deno.pid,
    debug: false,
    trace: false,
    logtime: false,
    logtimeUTC: false,
  });
  return { logger, lines };
}

Deno.test("a random WebSocket port is shared by every shard and logged once by the main isolate", async () => {
  const { logger, lines } = capture();
  await using s = await startServer({
    host: "127.0.0.1",
    port: -1,
    shards: SHARDS,
    websocket: wsBlock({ handshake_timeout: "2s" }),
    logger,
  });
  const sharded = s.sharded!;
  const port = sharded.websocketPort;
  assert.ok(port > 0, "websocketPort is the bound port");
  assert.equal(sharded.websocketUrl, `ws://127.0.0.1:${port}`);
  const clients: WsClient[] = [];
  const workers = new Set<number>();
  try {
    for (let i = 0; i < 200 && workers.size < SHARDS; i++) {
      const p = await openWs(s);
      clients.push(p.client);
      workers.add(p.worker);
    }
    assert.equal(workers.size, SHARDS, "WebSocket clients landed on every worker");
  } finally {
    await closeAll(clients);
  }
  const listening = `Listening for websocket clients on ws://127.0.0.1:${port}`;
  const warning = "Websocket not configured with TLS. DO NOT USE IN PRODUCTION!";
  assert.equal(lines.filter((l) => l === listening).length, 1, lines.join("\n"));
  assert.equal(lines.filter((l) => l === warning).length, 1, lines.join("\n"));
  assert.ok(!lines.some((l) => l.includes("not supported")), lines.join("\n"));
  // denats' own warning about an option Deno.serve cannot honour: once, from the main isolate.
  const unenforced = lines.filter((l) => l.includes("'handshake_timeout' is not enforced"));
  assert.equal(unenforced.length, 1, lines.join("\n"));
  // Same place in the startup sequence as nats-server: before the client port.
  const clientLine = lines.findIndex((l) => l.startsWith("Listening for client connections"));
  assert.ok(lines.indexOf(listening) < lines.indexOf(warning));
  assert.ok(lines.indexOf(warning) < clientLine, lines.join("\n"));
});

Deno.test("WebSocket and TCP clients on different workers exchange messages both ways", async () => {
  await using s = await startServer({
    port: -1,
    shards: SHARDS,
    websocket: wsBlock(),
    quiet: true,
  });
  const spare: (WsClient | RawClient)[] = [];
  const ws = await openWs(s);
  const tcp = await openElsewhere(() => openTcp(s), [ws.worker], spare as RawClient[]);
  try {
    ws.client.send(sub("to.ws", 1) + "PING\r\n");
    await ws.client.expect(/PONG\r\nPONG\r\n/);
    await tcp.client.send(sub("to.tcp", 7));
    await tcp.client.flush();
    await tcp.client.send(pub("to.ws", "from-tcp"));
    await ws.client.expect(/MSG to\.ws 1 8\r\nfrom-tcp\r\n/);
    ws.client.send(pub("to.tcp", "from-ws"));
    const m = await tcp.client.expectMsg();
    assert.equal(m.subject, "to.tcp");
    assert.equal(m.sid, "7");
    assert.equal(m.payload, "from-ws");
  } finally {
    await closeAll([ws.client, tcp.client, ...spare]);
  }
});

Deno.test("with fixed ports and compression (raw listener) every shard serves WebSocket clients", async () => {
  const wsPort = freePort();
  await using s = await startServer({
    port: freePort(),
    shards: SHARDS,
    websocket: wsBlock({ port: wsPort, compression: true }),
    quiet: true,
  });
  assert.equal(s.sharded!.websocketPort, wsPort);
  const spare: WsClient[] = [];
  const subscriber = await openWs(s);
  const publisher = await openElsewhere(() => openWs(s), [subscriber.worker], spare);
  try {
    subscriber.client.send(sub("raw.x", 1) + "PING\r\n");
    await subscriber.client.expect(/PONG\r\nPONG\r\n/);
    publisher.client.send(pub("raw.x", "across"));
    await subscriber.client.expect(/MSG raw\.x 1 6\r\nacross\r\n/);
  } finally {
    await closeAll([subscriber.client, publisher.client, ...spare]);
  }
});

Deno.test("a restarted shard rejoins the random WebSocket port", async () => {
  await using s = await startServer({
    port: -1,
    shards: SHARDS,
    websocket: wsBlock(),
    quiet: true,
  });
  const sharded = s.sharded!;
  const port = sharded.websocketPort;
  const spare: WsClient[] = [];
  const subscriber = await openWs(s);
  const victim = (subscriber.worker + 1) % SHARDS;
  try {
    subscriber.client.send(sub("back", 1) + "PING\r\n");
    await subscriber.client.expect(/PONG\r\nPONG\r\n/);
    sharded.failWorker(victim, "test");
    await waitFor(() => sharded.restarts === 1 && sharded.liveWorkers === SHARDS, 10_000);
    assert.equal(sharded.websocketPort, port);
    const fresh = await openElsewhere(() => openWs(s), [subscriber.worker], spare);
    assert.equal(fresh.worker, victim);
    fresh.client.send(pub("back", "again"));
    await subscriber.client.expect(/MSG back 1 5\r\nagain\r\n/);
    await closeAll([fresh.client]);
  } finally {
    await closeAll([subscriber.client, ...spare]);
  }
});

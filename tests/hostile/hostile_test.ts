/**
 * @module
 * Hostile clients against denats (and nats-server where cheap): seeded protocol fuzzing while a
 * well-behaved client keeps doing request/reply, fuzzed CONNECT JSON, slowloris connections,
 * connection and subscription floods, oversized headers. Each test prints its figures with
 * `console.log` and asserts bounds that can fail. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import {
  assertServing,
  hostileKinds,
  type HostileTarget,
  pool,
  prng,
  report,
  settle,
} from "./_servers.ts";

const encoder = new TextEncoder();
const kinds = hostileKinds();
const memoryKinds = hostileKinds(true);

/** The next MSG, answering any server PING that arrives before it. */
async function nextMsg(c: RawClient) {
  for (;;) {
    const m = await c.expect(/^(?:PING\r\n|(?=H?MSG ))/, 5000);
    if (m[0] === "") return await c.expectMsg(5000);
    await c.send("PONG\r\n");
  }
}

/** A requester/responder pair doing request/reply until `stop()`; resolves with figures. */
async function startRequestLoop(t: HostileTarget) {
  const responder = await RawClient.open(t);
  const requester = await RawClient.open(t);
  await responder.send(sub("good.rpc", 1));
  await responder.flush();
  await requester.send(sub("good.inbox.*", 1));
  await requester.flush();
  let stopped = false;
  let done = 0;
  let maxRttMs = 0;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      await requester.send(pub("good.rpc", `q${done}`, `good.inbox.${done}`));
      const req = await nextMsg(responder);
      await responder.send(pub(req.reply!, `a${done}`));
      const reply = await nextMsg(requester);
      assert.equal(reply.subject, `good.inbox.${done}`);
      assert.equal(reply.payload, `a${done}`);
      maxRttMs = Math.max(maxRttMs, performance.now() - started);
      done++;
    }
  })();
  loop.catch(() => {}); // observed by stop()
  return {
    async stop() {
      stopped = true;
      try {
        await loop;
      } finally {
        await requester.close();
        await responder.close();
      }
      return { requests: done, maxRttMs: Math.round(maxRttMs) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// (a) protocol fuzzing

const CORPUS = [
  'CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\n',
  'CONNECT {"verbose":true,"pedantic":true,"headers":true,"no_responders":true}\r\n',
  "PING\r\n",
  "PONG\r\n",
  "SUB foo 1\r\n",
  "SUB foo.* q 2\r\n",
  "SUB > 3\r\n",
  "UNSUB 1\r\n",
  "UNSUB 2 5\r\n",
  pub("foo", "hello"),
  pub("foo.bar", "", "reply.x"),
  "HPUB foo 12 17\r\nNATS/1.0\r\n\r\nhello\r\n",
  "HPUB foo.bar r 20 22\r\nNATS/1.0\r\nA: bc\r\n\r\nhi\r\n",
  "+OK\r\n",
  "-ERR 'x'\r\n",
  "MSG foo 1 5\r\nhello\r\n",
  "INFO {}\r\n",
];
const NUMBERS = ["0", "-1", "99999999999999999999", "1048577", "4294967296", "x", ""];

function mutate(rnd: () => number, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  const ops = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(rnd() * (bytes.length + 1));
    switch (Math.floor(rnd() * 8)) {
      case 0:
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(rnd() * 256);
        break;
      case 1:
        bytes.splice(at, 0, Math.floor(rnd() * 256));
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(rnd() * 8));
        break;
      case 3: {
        const len = 1 + Math.floor(rnd() * 16);
        bytes.splice(at, 0, ...bytes.slice(at, at + len));
        break;
      }
      case 4: {
        const text = String.fromCharCode(...bytes).replace(
          /\d+/,
          NUMBERS[Math.floor(rnd() * NUMBERS.length)],
        );
        bytes = Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
        break;
      }
      case 5:
        bytes.splice(at, 0, 13, 10);
        break;
      case 6:
        bytes = bytes.slice(0, at);
        break;
      default:
        bytes.splice(at, 0, 32, 32, 9);
    }
  }
  return new Uint8Array(bytes);
}

/** One fuzz connection's stream: a few (mutated) corpus frames, or random bytes. */
function fuzzStream(rnd: () => number): Uint8Array {
  if (rnd() < 0.1) {
    const out = new Uint8Array(1 + Math.floor(rnd() * 512));
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(rnd() * 256);
    return out;
  }
  let text = rnd() < 0.7 ? CORPUS[0] : "";
  const frames = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < frames; i++) text += CORPUS[Math.floor(rnd() * CORPUS.length)];
  const bytes = encoder.encode(text);
  return rnd() < 0.85 ? mutate(rnd, bytes) : bytes;
}

for (const kind of memoryKinds) {
  Deno.test(
    `${kind.name}: fuzzed protocol streams on many connections do not disturb a request/reply client`,
    async () => {
      await using t = await kind.start("max_payload: 65536\n");
      const rssBefore = await t.rssMb();
      const good = await startRequestLoop(t);
      const rnd = prng(0xdea75);
      const connections = 3000;
      const streams = Array.from({ length: connections }, () => fuzzStream(rnd));
      const inputs = streams.reduce((n, s) => n + s.length, 0);
      const outcomes = { pong: 0, closed: 0, timeout: 0 };
      const started = performance.now();
      let peakRss = rssBefore;
      let figures: { requests: number; maxRttMs: number };
      try {
        await pool(streams, 30, async (stream, i) => {
          const c = await RawClient.dial(t);
          try {
            await c.trySend(stream);
            outcomes[await settle(c, 250)]++;
          } finally {
            await c.close();
          }
          if (i % 250 === 0) peakRss = Math.max(peakRss, await t.rssMb());
        });
      } finally {
        figures = await good.stop();
      }
      const elapsedMs = Math.round(performance.now() - started);
      await assertServing(t);
      report(kind, "protocol fuzz", {
        connections,
        inputBytes: inputs,
        ...outcomes,
        ...figures,
        elapsedMs,
        rssBeforeMb: Math.round(rssBefore),
        peakRssMb: Math.round(peakRss),
      });
      assert.ok(figures.requests >= 10, `only ${figures.requests} requests completed`);
      assert.ok(figures.maxRttMs < 3000, `a request took ${figures.maxRttMs}ms`);
      assert.ok(outcomes.closed > 0 && outcomes.pong > 0, JSON.stringify(outcomes));
      assert.ok(peakRss - rssBefore < 300, `RSS grew ${peakRss - rssBefore} MB`);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// (b) fuzzed CONNECT JSON

const CONNECT_KEYS = [
  "verbose",
  "pedantic",
  "tls_required",
  "auth_token",
  "user",
  "pass",
  "name",
  "lang",
  "version",
  "protocol",
  "echo",
  "headers",
  "no_responders",
  "sig",
  "jwt",
  "nkey",
  "unknown_key",
  "VERBOSE",
];
const CONNECT_VALUES = [
  "true",
  "false",
  "null",
  "0",
  "1",
  "-1",
  "2",
  "1.5",
  "1e308",
  "99999999999999999999",
  '"str"',
  '""',
  '"\\u0000"',
  "[]",
  "{}",
  '[1,"a",{}]',
  '{"a":{"b":[]}}',
];
const JSONISH = '{}[]":,0123456789abcdeftrunlsx \\-.';

function connectLines(rnd: () => number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    let s = "";
    const len = Math.floor(rnd() * 80);
    for (let j = 0; j < len; j++) s += JSONISH[Math.floor(rnd() * JSONISH.length)];
    lines.push(s);
  }
  for (let i = 0; i < 300; i++) {
    const fields = [];
    const n = Math.floor(rnd() * 5);
    for (let j = 0; j < n; j++) {
      const key = CONNECT_KEYS[Math.floor(rnd() * CONNECT_KEYS.length)];
      fields.push(`"${key}":${CONNECT_VALUES[Math.floor(rnd() * CONNECT_VALUES.length)]}`);
    }
    lines.push(`{${fields.join(",")}}`);
  }
  lines.push(`{"name":"${"x".repeat(3000)}"}`);
  lines.push(`{"name":"${"x".repeat(200_000)}"}`);
  lines.push(`{"user":"${"\\u0041".repeat(20_000)}"}`);
  for (const depth of [100, 5000, 9000, 12_000, 50_000]) {
    lines.push(`{"verbose":false,"a":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    lines.push(`{"verbose":false,"a":${'{"b":'.repeat(depth)}1${"}".repeat(depth)}}`);
  }
  lines.push("null", "[]", '"x"', "1", "", "{", "{}}", "{} {}");
  return lines;
}

const connectOutcomes = new Map<string, string[]>();

for (const kind of kinds) {
  Deno.test(
    `${kind.name}: each fuzzed CONNECT is accepted or closed and the server keeps serving`,
    async () => {
      await using t = await kind.start("max_control_line: 1048576\n");
      const lines = connectLines(prng(0xc0ec7));
      const started = performance.now();
      const outcomes = await pool(lines, 20, async (line) => {
        const c = await RawClient.dial(t);
        try {
          await c.readInfo();
          await c.trySend(`CONNECT ${line}\r\n`);
          const how = await settle(c, 3000);
          const err = /-ERR '([^']*)'/.exec(c.pending())?.[1];
          return err === undefined ? how : `${how} ${err}`;
        } finally {
          await c.close();
        }
      });
      await assertServing(t);
      const counts: Record<string, number> = {};
      for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
      report(kind, "CONNECT fuzz", {
        inputs: lines.length,
        ...counts,
        elapsedMs: Math.round(performance.now() - started),
      });
      assert.ok(!outcomes.some((o) => o.startsWith("timeout")), JSON.stringify(counts));
      connectOutcomes.set(kind.name, outcomes);
    },
  );
}

if (kinds.length > 1) {
  Deno.test("denats decides every fuzzed CONNECT the way nats-server does", () => {
    const ours = connectOutcomes.get("denats");
    const theirs = connectOutcomes.get("nats-server");
    assert.ok(ours && theirs, "both CONNECT fuzz runs must have completed");
    const lines = connectLines(prng(0xc0ec7));
    const diffs = [];
    for (let i = 0; i < lines.length; i++) {
      if (ours[i] !== theirs[i]) {
        diffs.push({
          connect: lines[i].length > 120 ? `${lines[i].slice(0, 120)}...` : lines[i],
          length: lines[i].length,
          denats: ours[i],
          natsServer: theirs[i],
        });
      }
    }
    assert.deepEqual(diffs, []);
  });
}

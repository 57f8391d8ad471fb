/**
 * @module
 * Conformance cases for hostile or sloppy input: garbage bytes, invalid UTF-8 in subjects and
 * CONNECT JSON, control bytes, thousands of subscriptions, truncated frames, connection
 * bursts and abrupt disconnects. The server must handle each the way nats-server 2.9.10 does
 * and keep serving other connections. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { Suite } from "../helpers/cases.ts";
import { RawClient } from "../helpers/raw_client.ts";
import type { Target } from "../helpers/target.ts";
import { pub, sub, unsub } from "../helpers/frames.ts";

const encoder = new TextEncoder();

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const bytes = parts.map((p) => typeof p === "string" ? encoder.encode(p) : p);
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of bytes) {
    out.set(b, offset);
    offset += b.length;
  }
  return out;
}

/** Asserts the server still routes messages between two fresh connections. */
async function assertServing(t: Target): Promise<void> {
  await using s = await RawClient.open(t);
  await using p = await RawClient.open(t);
  await s.send(sub("health", 1));
  await s.flush();
  await p.send(pub("health", "ok"));
  assert.equal((await s.expectMsg()).payload, "ok");
}

/** Hostile input cases. */
export const hostileCases: Suite = (start) => [
  {
    name: "binary garbage gets Unknown Protocol Operation and the server keeps serving others",
    fn: async () => {
      await using t = await start();
      const garbage = new Uint8Array(4096);
      let seed = 7;
      for (let i = 0; i < garbage.length; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        garbage[i] = seed & 0xff;
      }
      garbage[0] = 0;
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.trySend(garbage);
      assert.equal(await c.expectClosed(), "-ERR 'Unknown Protocol Operation'\r\n");
      await assertServing(t);
    },
  },
  {
    name: "subjects with invalid UTF-8 bytes are routed as opaque bytes",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      const subject = new Uint8Array([0x62, 0xff, 0xfe, 0x2e, 0xc3]);
      await c.send(concat("SUB ", subject, " 1\r\nPUB ", subject, " 2\r\nhi\r\n"));
      const m = await c.expectMsg();
      assert.equal(m.subject, String.fromCharCode(...subject));
      assert.equal(m.payload, "hi");
    },
  },
  {
    name: "invalid UTF-8 inside CONNECT JSON strings is accepted",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.dial(t);
      await c.readInfo();
      await c.send(
        concat('CONNECT {"verbose":true,"name":"x', new Uint8Array([0xff, 0xc0]), '"}\r\n'),
      );
      await c.expect(/^\+OK\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "control bytes other than whitespace are ordinary subject characters",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      await c.send("SUB a\x00b.\x01 1\r\nPUB a\x00b.\x01 1\r\nx\r\n");
      const m = await c.expectMsg();
      assert.equal(m.subject, "a\x00b.\x01");
    },
  },
  {
    name: "thousands of subscriptions on one connection all match and can all be removed",
    fn: async () => {
      await using t = await start();
      await using c = await RawClient.open(t);
      const n = 5000;
      let subs = sub("many.*", "w");
      for (let i = 0; i < n; i++) subs += sub(`many.${i}`, i);
      await c.send(subs);
      await c.expectNothing();
      await c.send(pub("many.4321", "a") + pub("many.0", "b"));
      const sids = [];
      for (let i = 0; i < 4; i++) sids.push((await c.expectMsg()).sid);
      assert.deepEqual(sids.sort(), ["0", "4321", "w", "w"]);
      let unsubs = "";
      for (let i = 0; i < n; i++) unsubs += unsub(i);
      await c.send(unsubs + pub("many.4321", "c"));
      assert.equal((await c.expectMsg()).sid, "w");
      await c.expectNothing();
    },
  },
  {
    name:
      "a connection closed mid-payload or mid-line delivers nothing and the server keeps serving",
    fn: async () => {
      await using t = await start();
      await using watcher = await RawClient.open(t);
      await watcher.send(sub(">", 1));
      await watcher.flush();
      for (const partial of ["PUB foo 10\r\nabc", "PUB foo 1", "SUB bar", 'CONNECT {"verb']) {
        const c = await RawClient.open(t);
        await c.send(partial);
        await c.close();
      }
      await assertServing(t);
      assert.equal((await watcher.expectMsg()).subject, "health");
      await watcher.expectNothing();
    },
  },
  {
    name: "a burst of connections opened and dropped concurrently does not disturb the server",
    fn: async () => {
      await using t = await start();
      await Promise.all(Array.from({ length: 100 }, async (_, i) => {
        const c = await RawClient.dial(t);
        if (i % 2 === 0) await c.trySend('CONNECT {"verbose":false}\r\nSUB x 1\r\n');
        await c.close();
      }));
      await assertServing(t);
    },
  },
  {
    name: "a subscriber that disconnects while being sent data does not disturb others",
    fn: async () => {
      await using t = await start();
      await using p = await RawClient.open(t);
      const leaver = await RawClient.open(t);
      await leaver.send(sub("bulk", 1));
      await leaver.flush();
      leaver.pause();
      const payload = "z".repeat(64 * 1024);
      let batch = "";
      for (let i = 0; i < 32; i++) batch += pub("bulk", payload);
      await p.send(batch);
      await leaver.close();
      await p.send(batch);
      await p.expectNothing(5000);
      await assertServing(t);
    },
  },
];

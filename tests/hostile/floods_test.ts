/**
 * @module
 * Resource floods against denats and nats-server: slowloris connections that never send
 * CONNECT (with and without auth), a connection flood beyond `max_connections`, subscription
 * floods with and without `max_subscriptions`, and HPUB header blocks around `max_payload`.
 * Each test prints its figures with `console.log` and asserts bounds that can fail. denats runs
 * in this process, so its RSS figures include the test clients. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import { waitFor } from "../helpers/poll.ts";
import { assertServing, hostileKinds, pool, report } from "./_servers.ts";

const kinds = hostileKinds(true);

async function closeAll(clients: RawClient[]): Promise<void> {
  await pool(clients, 100, (c) => c.close());
}

/** Dials `n` connections (at most `limit` at once), each having read its INFO. */
async function dialMany(port: number, n: number, limit: number): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  try {
    await pool(Array.from({ length: n }), limit, async () => {
      const c = await RawClient.dial({ host: "127.0.0.1", port });
      clients.push(c);
    });
  } catch (err) {
    await closeAll(clients);
    throw err;
  }
  return clients;
}

const AUTH_TIMEOUT_ERR = "-ERR 'Authentication Timeout'\r\n";

for (const kind of kinds) {
  Deno.test(
    `${kind.name}: 500 connections that never send CONNECT are all closed by the auth timeout`,
    async () => {
      await using t = await kind.start(
        "authorization { user: u, password: p, timeout: 0.5 }\n",
      );
      const rssBefore = await t.rssMb();
      const started = performance.now();
      const clients = await dialMany(t.port, 500, 100);
      try {
        const dialMs = performance.now() - started;
        const rssPeak = await t.rssMb();
        const texts = await Promise.all(clients.map((c) => c.expectClosed(6000)));
        const allClosedMs = performance.now() - started;
        const rejected = texts.filter((x) => x.endsWith(AUTH_TIMEOUT_ERR)).length;
        const rssAfter = await t.rssMb();
        report(kind, "slowloris with auth_timeout 0.5s", {
          connections: clients.length,
          rejectedWithAuthTimeout: rejected,
          dialMs: Math.round(dialMs),
          allRejectedAfterMs: Math.round(allClosedMs),
          rssBeforeMb: Math.round(rssBefore),
          rssPeakMb: Math.round(rssPeak),
          rssAfterMb: Math.round(rssAfter),
        });
        assert.equal(rejected, 500, texts.find((x) => !x.endsWith(AUTH_TIMEOUT_ERR)));
        assert.ok(allClosedMs < 5000, `last rejection after ${allClosedMs}ms`);
        assert.ok(rssPeak - rssBefore < 200, `RSS grew ${rssPeak - rssBefore} MB`);
        const varz = await t.varz();
        assert.equal(varz.connections, 0);
      } finally {
        await closeAll(clients);
      }
    },
  );

  Deno.test(
    `${kind.name}: without auth, 500 idle connections that never send CONNECT are held`,
    async () => {
      await using t = await kind.start("");
      const rssBefore = await t.rssMb();
      const started = performance.now();
      const clients = await dialMany(t.port, 500, 100);
      try {
        await Promise.all(clients.map((c) => c.readInfo(5000)));
        const held = await waitFor(
          async () => {
            const n = Number((await t.varz()).connections);
            return n >= 500 && n;
          },
          5000,
          "/varz connections >= 500",
        );
        const heldMs = performance.now() - started;
        const rssPeak = await t.rssMb();
        await assertServing(t);
        const closed = clients.filter((c) => c.closed).length;
        report(kind, "500 idle connections without auth", {
          varzConnections: held,
          closedByServer: closed,
          allHeldAfterMs: Math.round(heldMs),
          rssBeforeMb: Math.round(rssBefore),
          rssPeakMb: Math.round(rssPeak),
        });
        assert.equal(closed, 0);
        assert.ok(rssPeak - rssBefore < 200, `RSS grew ${rssPeak - rssBefore} MB`);
      } finally {
        await closeAll(clients);
      }
      await waitFor(async () => (await t.varz()).connections === 0, 5000, "connections freed");
    },
  );

  if (!kind.memoryOnly) {
    Deno.test(
      `${kind.name}: 300 connections beyond max_connections 100 are rejected and a client keeps working`,
      async () => {
        await using t = await kind.start("max_connections: 100\n");
        await using existing = await RawClient.open(t);
        await existing.send(sub("still", 1));
        await existing.flush();
        const started = performance.now();
        const clients = await dialMany(t.port, 300, 50);
        try {
          const expected = 300 - 99;
          await waitFor(
            () => clients.filter((c) => c.closed).length >= expected,
            5000,
            `${expected} rejections`,
          );
          const rejectMs = performance.now() - started;
          const rejected = clients.filter((c) =>
            c.closed && c.pending().endsWith("-ERR 'maximum connections exceeded'\r\n")
          ).length;
          await existing.send(pub("still", "here"));
          assert.equal((await existing.expectMsg()).payload, "here");
          await existing.expectNothing();
          const open = clients.filter((c) =>
            !c.closed
          ).length;
          const varz = await t.varz();
          report(kind, "connection flood over max_connections 100", {
            dialed: clients.length,
            rejected,
            heldOpen: open,
            varzConnections: varz.connections,
            allRejectedAfterMs: Math.round(rejectMs),
          });
          assert.equal(rejected, expected);
          assert.equal(open, 99);
          assert.ok(rejectMs < 4000, `rejections took ${rejectMs}ms`);
        } finally {
          await closeAll(clients);
        }
      },
    );
  }

  if (!kind.memoryOnly) {
    Deno.test(
      `${kind.name}: SUBs beyond max_subscriptions 1000 are refused and the connection stays`,
      async () => {
        await using t = await kind.start("max_subscriptions: 1000\n");
        await using c = await RawClient.open(t);
        let frames = "";
        for (let i = 0; i < 1002; i++) frames += sub(`s.${i}`, i);
        const started = performance.now();
        await c.send(frames);
        const before = await c.flush(10_000);
        const ms = performance.now() - started;
        const err = "-ERR 'maximum subscriptions exceeded'\r\n";
        report(kind, "max_subscriptions 1000", {
          sent: 1002,
          errors: before.split(err).length - 1,
        });
        assert.equal(before, err + err);
        assert.ok(ms < 5000);
        await c.send(pub("s.999", "in") + pub("s.1000", "out"));
        const m = await c.expectMsg();
        assert.equal(m.subject, "s.999");
        await c.expectNothing();
        assert.equal(Number((await t.varz()).subscriptions) >= 1000, true);
      },
    );
  }

  Deno.test(
    `${kind.name}: 20000 subscriptions on one connection are freed when it closes`,
    async () => {
      await using t = await kind.start("");
      const baseline = Number((await t.varz()).subscriptions);
      const rssBefore = await t.rssMb();
      const c = await RawClient.open(t);
      let rssPeak: number;
      try {
        let frames = "";
        const n = 20_000;
        for (let i = 0; i < n; i++) frames += sub(`flood.${i}.x`, i);
        const started = performance.now();
        await c.send(frames);
        await c.flush(15_000);
        const subscribeMs = performance.now() - started;
        await waitFor(
          async () => Number((await t.varz()).subscriptions) === baseline + n,
          5000,
          "varz subscriptions = baseline + 20000",
        );
        rssPeak = await t.rssMb();
        await c.send(pub("flood.19999.x", "last"));
        assert.equal((await c.expectMsg()).sid, "19999");
        report(kind, "20000 subscriptions", {
          baseline,
          subscribeMs: Math.round(subscribeMs),
          rssBeforeMb: Math.round(rssBefore),
          rssPeakMb: Math.round(rssPeak),
        });
      } finally {
        await c.close();
      }
      const started = performance.now();
      await waitFor(
        async () => Number((await t.varz()).subscriptions) === baseline,
        5000,
        "varz subscriptions back to baseline",
      );
      report(kind, "20000 subscriptions freed", {
        freedAfterMs: Math.round(performance.now() - started),
      });
      assert.ok(rssPeak - rssBefore < 200, `RSS grew ${rssPeak - rssBefore} MB`);
    },
  );

  if (!kind.memoryOnly) {
    Deno.test(
      `${kind.name}: HPUB header blocks near and over max_payload get nats-server's replies`,
      async () => {
        await using t = await kind.start("max_payload: 1024\n");
        await using watcher = await RawClient.open(t, { headers: true });
        await watcher.send(sub("h", 1));
        await watcher.flush();
        /** A header block of exactly `size` bytes. */
        const block = (size: number) => `NATS/1.0\r\nX: ${"a".repeat(size - 17)}\r\n\r\n`;
        const cases: { hdr: number; total: number; body: string; want: string | null }[] = [
          { hdr: 1024, total: 1024, body: block(1024), want: null },
          { hdr: 1000, total: 1024, body: block(1000) + "p".repeat(24), want: null },
          {
            hdr: 1025,
            total: 1025,
            body: block(1025),
            want: "-ERR 'Maximum Payload Violation'\r\n",
          },
          {
            hdr: 1000,
            total: 1025,
            body: block(1000) + "p".repeat(25),
            want: "-ERR 'Maximum Payload Violation'\r\n",
          },
          { hdr: 40, total: 20, body: block(20), want: "" },
          { hdr: 40, total: 20000, body: "", want: "-ERR 'Maximum Payload Violation'\r\n" },
        ];
        const seen = [];
        for (const { hdr, total, body, want } of cases) {
          await using c = await RawClient.open(t, { headers: true });
          await c.trySend(`HPUB h ${hdr} ${total}\r\n${body}\r\n`);
          if (want === null) {
            assert.equal(await c.flush(), "");
            const m = await watcher.expectMsg();
            assert.equal(m.op, "HMSG");
            assert.equal(m.headers!.length + m.payload.length, total);
            seen.push({ hdr, total, reply: "delivered" });
          } else {
            const text = await c.expectClosed();
            seen.push({ hdr, total, reply: text });
            assert.equal(text, want, `HPUB h ${hdr} ${total}`);
          }
        }
        report(kind, "HPUB around max_payload 1024", { cases: seen });
        await watcher.expectNothing();
      },
    );
  }
}

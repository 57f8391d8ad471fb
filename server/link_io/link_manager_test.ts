/**
 * @module
 * The link manager with a fake line-protocol kind over real loopback sockets: listen and
 * accept, dial with retries until the listener appears (delays counted by attempt), error
 * report cadence, giving up after `connectRetries`, discovered URLs dialed, own addresses
 * skipped, the read loop's back-pressure hook, and a shutdown that ends every task (Deno's
 * sanitizers on).
 */
import assert from "node:assert/strict";
import { LinkManager } from "./link_manager.ts";
import { LinkUrls, PickOrder } from "../links/core/link_urls.ts";
import type { LinkUrl } from "../links/core/link_spec.ts";
import { deadPort, type FakeLink, fakeSpec, loopback, waitFor } from "./_fake_link.ts";

type Manager = LinkManager<LinkUrl, string, FakeLink>;

function request(targets: LinkUrl | LinkUrls<LinkUrl>, tryForEver = true, firstConnect = true) {
  return { targets, context: "test", delayMs: 0, tryForEver, firstConnect };
}

async function closeAll(...managers: Manager[]): Promise<void> {
  await Promise.all(managers.map((m) => m.close()));
  for (const m of managers) assert.equal(m.pendingTasks, 0, "every task ended");
}

Deno.test("link manager listens, accepts and dials: both links exchange lines", async () => {
  const a = fakeSpec();
  const b = fakeSpec();
  const server: Manager = new LinkManager(a.spec);
  const dialer: Manager = new LinkManager(b.spec);
  try {
    const port = server.listen();
    assert.ok(port > 0);
    assert.deepEqual(a.record.log, [`[INF] Listening for fake connections on 127.0.0.1:${port}`]);
    server.run();
    dialer.run();
    dialer.dial(request(loopback(port)));
    const [accepted, dialed] = await waitFor(() => {
      const pair = [a.record.links[0], b.record.links[0]];
      return pair[0]?.lines.length > 0 && pair[1]?.lines.length > 0 ? pair : null;
    });
    assert.deepEqual(accepted.lines, ["HELLO 1"]);
    assert.deepEqual(dialed.lines, ["HELLO 1"]);
    assert.equal(accepted.target, null);
    assert.equal(dialed.target?.port, port);
    assert.deepEqual(b.record.log, [
      `[DBG] Trying to connect to fake on 127.0.0.1:${port} (127.0.0.1:${port})`,
    ]);
    // The ticker drives every active link.
    await waitFor(() => accepted.ticks > 0 && dialed.ticks > 0);
    assert.equal(server.active.size, 1);
    // The peer hanging up closes the link with nats-server's reason.
    dialed.close("Test Close");
    await waitFor(() => accepted.closed);
    assert.equal(accepted.closeReason, "Client Closed");
    await waitFor(() => server.active.size === 0 && dialer.active.size === 0);
  } finally {
    await closeAll(server, dialer);
  }
});

Deno.test("link manager retries a dial until the listener appears, one delay per attempt", async () => {
  const port = deadPort();
  const b = fakeSpec({ connectErrorReports: 3 });
  const dialer: Manager = new LinkManager(b.spec);
  const a = fakeSpec({ port });
  const server: Manager = new LinkManager(a.spec);
  try {
    dialer.run();
    dialer.dial(request(loopback(port)));
    await waitFor(() => b.record.delaysAsked.length >= 4, 5000);
    server.listen();
    server.run();
    const link = await waitFor(() =>
      b.record.links[0]?.lines.length > 0 ? b.record.links[0] : null
    );
    assert.deepEqual(link.lines, ["HELLO 1"]);
    const failures = b.record.delaysAsked.length;
    // Attempt N failed, then the policy was asked the delay after attempt N: 1, 2, 3, ...
    assert.deepEqual(b.record.delaysAsked, Array.from({ length: failures }, (_, i) => i + 1));
    const refused = `dial tcp 127.0.0.1:${port}: connect: connection refused`;
    const errors = b.record.log.filter((l) => l.includes("Error trying"));
    assert.equal(errors.length, failures);
    errors.forEach((line, i) => {
      const attempt = i + 1;
      // connect_error_reports cadence: the first attempt and every 3rd as errors, else debug.
      const level = attempt === 1 || attempt % 3 === 0 ? "[ERR]" : "[DBG]";
      assert.equal(
        line,
        `${level} Error trying to connect to fake (attempt ${attempt}): ${refused}`,
      );
    });
    const tries = b.record.log.filter((l) => l.includes("Trying to connect")).length;
    assert.equal(tries, failures + 1);
  } finally {
    await closeAll(server, dialer);
  }
});

Deno.test("link manager gives up after connectRetries when not trying forever", async () => {
  const port = deadPort();
  const b = fakeSpec({ connectRetries: 2, connectErrorReports: 1 });
  const dialer: Manager = new LinkManager(b.spec);
  try {
    dialer.run();
    dialer.dial(request(loopback(port), false));
    await waitFor(() => dialer.pendingTasks === 0, 5000);
    assert.deepEqual(b.record.delaysAsked, [1, 2]);
    const errors = b.record.log.filter((l) => l.startsWith("[ERR] Error trying"));
    assert.deepEqual(errors.map((l) => l.match(/attempt (\d+)/)![1]), ["1", "2", "3"]);
    assert.equal(b.record.links.length, 0);
  } finally {
    await closeAll(dialer);
  }
});

Deno.test("link manager dials a URL discovered while a dial is retrying", async () => {
  const a = fakeSpec();
  const server: Manager = new LinkManager(a.spec);
  const b = fakeSpec();
  const dialer: Manager = new LinkManager(b.spec);
  try {
    const port = server.listen();
    server.run();
    const dead = deadPort();
    const urls = new LinkUrls([loopback(dead)], PickOrder.Rotate);
    dialer.run();
    dialer.dial(request(urls));
    await waitFor(() => b.record.delaysAsked.length >= 1);
    assert.equal(b.record.links.length, 0);
    assert.ok(urls.addDiscovered(loopback(port, "localhost")));
    const link = await waitFor(() => b.record.links[0]);
    assert.equal(link.target?.host, "localhost");
    assert.equal(link.target?.port, port);
    // "localhost" is dialed as 127.0.0.1, as route.go does.
    assert.ok(
      b.record.log.includes(
        `[DBG] Trying to connect to fake on localhost:${port} (127.0.0.1:${port})`,
      ),
    );
    await waitFor(() => a.record.links.length === 1);
  } finally {
    await closeAll(server, dialer);
  }
});

Deno.test("link manager never dials its own listener and stops wanted-no-more dials", async () => {
  const a = fakeSpec({ selfAddresses: (p) => new Set([`127.0.0.1:${p}`]) });
  const server: Manager = new LinkManager(a.spec);
  try {
    const port = server.listen();
    server.run();
    server.dial(request(loopback(port)));
    await waitFor(() => server.pendingTasks === 1); // the accept loop only
    assert.equal(a.record.log.filter((l) => l.includes("Trying")).length, 0);
    assert.equal(a.record.links.length, 0);
  } finally {
    await closeAll(server);
  }
  let asked = 0;
  const b = fakeSpec({ stillWanted: () => ++asked > 100 });
  const dialer: Manager = new LinkManager(b.spec);
  try {
    dialer.run();
    dialer.dial(request(loopback(deadPort())));
    await waitFor(() => dialer.pendingTasks === 0);
    assert.equal(asked, 1);
    assert.equal(b.record.log.length, 0);
  } finally {
    await closeAll(dialer);
  }
});

Deno.test("link manager reads no further while a mesh ring is backlogged", async () => {
  let release: () => void = () => {};
  let holds = 0;
  const a = fakeSpec();
  // A full mesh ring after the first read: reads wait for it to drain.
  const server: Manager = new LinkManager(a.spec, {
    pressure: {
      takeStalled: () => [],
      pollMesh: () => {},
      get backlogged() {
        holds++;
        return holds === 1;
      },
      drained: () => new Promise<void>((r) => (release = r)),
    },
  });
  const b = fakeSpec();
  const dialer: Manager = new LinkManager(b.spec);
  try {
    const port = server.listen();
    server.run();
    dialer.run();
    dialer.dial(request(loopback(port)));
    const accepted = await waitFor(() => a.record.links[0]?.feeds === 1 ? a.record.links[0] : null);
    assert.equal(holds, 1);
    const dialed = await waitFor(() => b.record.links[0]);
    dialed.send("MORE");
    await waitFor(() => dialer.active.size === 1);
    assert.equal(accepted.feeds, 1, "the held link was not fed again");
    release();
    await waitFor(() => accepted.lines.includes("MORE"));
    assert.ok(holds >= 2);
  } finally {
    await closeAll(server, dialer);
  }
});

Deno.test("link manager shutdown closes links, handshakes, sleeping dials and ends every task", async () => {
  const a = fakeSpec();
  const server: Manager = new LinkManager(a.spec);
  const b = fakeSpec({ retryDelayMs: 60_000 });
  const dialer: Manager = new LinkManager(b.spec);
  const port = server.listen();
  server.run();
  dialer.run();
  dialer.dial(request(loopback(port)));
  // A second dial sleeps a minute between attempts: shutdown must wake it.
  dialer.dial(request(loopback(deadPort())));
  await waitFor(() => a.record.links.length === 1 && b.record.links.length === 1);
  await waitFor(() => b.record.delaysAsked.length === 1);
  assert.ok(dialer.pendingTasks >= 2);
  const started = Date.now();
  await closeAll(dialer, server);
  assert.ok(Date.now() - started < 30_000, "the sleeping dial was woken");
  for (const link of [...a.record.links, ...b.record.links]) {
    assert.ok(link.closed && link.finished);
    assert.equal(link.closeReason, "Server Shutdown");
  }
  assert.equal(server.running, false);
  // Closed managers take no dials.
  dialer.dial(request(loopback(port)));
  assert.equal(dialer.pendingTasks, 0);
});

Deno.test("link manager reports a port in use with the kind's text", () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  try {
    const manager = new LinkManager(fakeSpec({ port }).spec);
    assert.throws(() => manager.listen(), {
      message:
        `Error listening on fake port: ${port} - listen tcp 127.0.0.1:${port}: bind: address already in use`,
    });
  } finally {
    taken.close();
  }
});

/**
 * @module
 * Traffic checks over a cluster with real clients (`@nats-io/transport-node`): waiting until
 * interest made on some servers is known where the publisher is (probe subscriptions made
 * after the real ones travel the same routes, in order), fan-out to every server, queue groups
 * served exactly once cluster-wide, request/reply and no-responders across servers.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { waitFor } from "../helpers/poll.ts";

export type { NatsConnection };

/** Connects a client to `urls` (the first is tried first), with fast reconnects. */
export function client(urls: string | string[], name = "test"): Promise<NatsConnection> {
  return connect({
    servers: urls,
    name,
    reconnectTimeWait: 100,
    maxReconnectAttempts: -1,
    noRandomize: true,
    timeout: 5000,
  });
}

let probeSeq = 0;

/**
 * Subscribes a probe on every subscriber connection (after their real subscriptions) and
 * publishes probes from `pub` until each has received one: then all earlier interest of those
 * connections is known on the publisher's server.
 */
export async function waitForInterest(
  pub: NatsConnection,
  subs: readonly NatsConnection[],
  timeoutMs = 10_000,
): Promise<void> {
  const subject = `probe.${++probeSeq}.${crypto.randomUUID().slice(0, 8)}`;
  const got = new Set<number>();
  const handles = [];
  for (let i = 0; i < subs.length; i++) {
    handles.push(subs[i].subscribe(subject, { callback: () => void got.add(i) }));
    await subs[i].flush();
  }
  try {
    await waitFor(
      async () => {
        pub.publish(subject);
        await pub.flush();
        return got.size === subs.length;
      },
      timeoutMs,
      `interest of ${subs.length} connections`,
    );
  } finally {
    for (const h of handles) h.unsubscribe();
  }
}

/** Every subscriber on every server gets each message exactly once. */
export async function checkFanout(
  pub: NatsConnection,
  subs: readonly NatsConnection[],
  subject: string,
  count = 10,
): Promise<void> {
  const received = subs.map(() => [] as string[]);
  subs.forEach((nc, i) =>
    nc.subscribe(subject, { callback: (_e, m) => void received[i].push(m.string()) })
  );
  await Promise.all(subs.map((nc) => nc.flush()));
  await waitForInterest(pub, subs);
  for (let i = 0; i < count; i++) pub.publish(subject, `m${i}`);
  await pub.flush();
  await waitFor(() => received.every((r) => r.length >= count), 10_000, "fan-out");
  const want = Array.from({ length: count }, (_, i) => `m${i}`);
  for (const r of received) assert.deepEqual(r, want, "in order, exactly once, per subscriber");
}

/**
 * Queue members on every server; publishers on several servers. Each message is delivered to
 * exactly one member cluster-wide. Returns the deliveries per member connection.
 */
export async function checkQueueExactlyOnce(
  pubs: readonly NatsConnection[],
  members: readonly NatsConnection[],
  subject: string,
  count = 300,
): Promise<number[]> {
  const seen = new Map<string, number>();
  const perMember = members.map(() => 0);
  members.forEach((nc, i) =>
    nc.subscribe(subject, {
      queue: "workers",
      callback: (_e, m) => {
        perMember[i]++;
        seen.set(m.string(), (seen.get(m.string()) ?? 0) + 1);
      },
    })
  );
  await Promise.all(members.map((nc) => nc.flush()));
  for (const p of pubs) await waitForInterest(p, members);
  for (let i = 0; i < count; i++) pubs[i % pubs.length].publish(subject, `q${i}`);
  await Promise.all(pubs.map((p) => p.flush()));
  await waitFor(() => seen.size === count, 10_000, `${count} queue messages`);
  // A duplicate would show up as a count of 2; give stragglers a last chance to arrive.
  await Promise.all(members.map((nc) => nc.flush()));
  assert.equal(perMember.reduce((a, b) => a + b, 0), count, "exactly once cluster-wide");
  for (const [, n] of seen) assert.equal(n, 1);
  return perMember;
}

/** A responder on one server answers requests from another; nobody answers a third subject. */
export async function checkRequestReply(
  requester: NatsConnection,
  responder: NatsConnection,
  subject: string,
): Promise<void> {
  const sub = responder.subscribe(subject, {
    callback: (_e, m) => void m.respond(`re:${m.string()}`),
  });
  await responder.flush();
  await waitForInterest(requester, [responder]);
  for (let i = 0; i < 5; i++) {
    const r = await requester.request(subject, `${i}`, { timeout: 5000 });
    assert.equal(r.string(), `re:${i}`);
  }
  sub.unsubscribe();
  await responder.flush();
}

/** A request on a subject nobody serves, anywhere in the cluster, gets no-responders. */
export async function checkNoResponders(requester: NatsConnection, subject: string): Promise<void> {
  await assert.rejects(
    () => requester.request(subject, "x", { timeout: 5000 }),
    (e: Error) =>
      /no responders/i.test(e.message) || /503/.test(String((e as { code?: string }).code)),
  );
}

/** Closes clients, ignoring failures. */
export async function closeAll(conns: (NatsConnection | undefined)[]): Promise<void> {
  await Promise.all(conns.map((c) => c?.close().catch(() => {})));
}

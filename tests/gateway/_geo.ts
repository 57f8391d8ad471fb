/**
 * @module
 * Traffic checks over super-clusters with real clients: ordered fan-out and request/reply from
 * each cluster to each other one, and queue geo-affinity with fail-over to one remote cluster
 * and fail-back. Servers are named `<cluster in lower case><index>` (`a1`, `b2`, ...).
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  checkFanout,
  checkRequestReply,
  type NatsConnection,
  waitForInterest,
} from "../cluster/_traffic.ts";
import { waitFor } from "../helpers/poll.ts";

/** Ordered fan-out and request/reply from each cluster to each other one. */
export async function checkEveryPair(
  conns: Map<string, NatsConnection>,
  clusters: string[],
  servers = 2,
): Promise<void> {
  for (const from of clusters) {
    for (const to of clusters) {
      if (from === to) continue;
      const pub = conns.get(`${from.toLowerCase()}1`)!;
      const subs = Array.from({ length: servers }, (_, i) => i + 1).map((i) =>
        conns.get(`${to.toLowerCase()}${i}`)!
      );
      await checkFanout(pub, subs, `pair.${from}.${to}`, 20);
      const requester = conns.get(`${from.toLowerCase()}${servers}`)!;
      await checkRequestReply(requester, subs[0], `svc.${from}.${to}`);
    }
  }
}

/** Calls of {@link checkQueueFailover} (each uses its own subject). */
let failovers = 0;

/**
 * Queue members on `local` (a server of the publisher's cluster) and on remote servers: the
 * local member takes every message; without it, each message goes to exactly one remote
 * member (one cluster); when a local member returns, local again.
 */
export async function checkQueueFailover(
  pub: NatsConnection,
  local: NatsConnection,
  remotes: NatsConnection[],
): Promise<void> {
  const subject = `geo.failover.${++failovers}`;
  const seen = new Map<string, number>();
  let localCount = 0;
  const remoteCounts = remotes.map(() => 0);
  const note = (m: { string(): string }) => seen.set(m.string(), (seen.get(m.string()) ?? 0) + 1);
  const remoteSubs = remotes.map((nc, i) =>
    nc.subscribe(subject, {
      queue: "q",
      callback: (_e, m) => {
        remoteCounts[i]++;
        note(m);
      },
    })
  );
  const localMember = () =>
    local.subscribe(subject, {
      queue: "q",
      callback: (_e, m) => {
        localCount++;
        note(m);
      },
    });
  let sub = localMember();
  await Promise.all([local, ...remotes].map((nc) => nc.flush()));
  await waitForInterest(pub, [local, ...remotes]);
  const remoteTotal = () => remoteCounts.reduce((a, b) => a + b, 0);
  let batch = 0;
  /**
   * Publishes 30 messages once `ready` holds and three probes in a row went to the `what`
   * side; returns their texts. (Interest settles asynchronously: a sharded leaf's link worker
   * withdraws the hub's queue members from the shards a moment after a shard's member
   * returns, and one probe may be served locally by chance meanwhile.)
   */
  const send = async (ready: () => boolean, what: string) => {
    let streak = 0;
    await waitFor(
      async () => {
        const before = { local: localCount, remote: remoteTotal() };
        pub.publish(subject, `probe.${batch}.${crypto.randomUUID()}`);
        await pub.flush();
        await waitFor(
          () => localCount + remoteTotal() > before.local + before.remote,
          2000,
          "probe delivered",
        ).catch(() => {});
        const served = ready() && (localCount > before.local) === (what === "local");
        streak = served ? streak + 1 : 0;
        return streak >= 3;
      },
      15_000,
      `${what} member serving`,
    );
    const texts = Array.from({ length: 30 }, (_, i) => `m.${batch}.${i}`);
    batch++;
    for (const t of texts) pub.publish(subject, t);
    await pub.flush();
    await waitFor(() => texts.every((t) => seen.has(t)), 10_000, `${what} batch delivered`);
    await Promise.all([local, ...remotes].map((nc) => nc.flush()));
    for (const t of texts) assert.equal(seen.get(t), 1, `${t} delivered once`);
    return texts;
  };
  let mark = { local: localCount, remote: remoteTotal() };
  await send(() => true, "local");
  assert.equal(remoteTotal(), mark.remote, "no remote member used while a local one exists");
  // Fail-over: the local member goes away, one remote cluster serves each message.
  sub.unsubscribe();
  await local.flush();
  mark = { local: localCount, remote: remoteTotal() };
  await send(() => true, "remote");
  assert.equal(localCount, mark.local);
  assert.equal(remoteTotal() - mark.remote >= 30, true);
  // Fail-back: a local member returns.
  sub = localMember();
  await local.flush();
  mark = { local: localCount, remote: remoteTotal() };
  await send(() => true, "local");
  const afterProbe = remoteTotal();
  assert.equal(localCount - mark.local >= 30, true, "local member serves again");
  assert.equal(remoteTotal(), afterProbe, "the batch stayed local");
  sub.unsubscribe();
  for (const s of remoteSubs) s.unsubscribe();
  await Promise.all(remotes.map((nc) => nc.flush()));
}

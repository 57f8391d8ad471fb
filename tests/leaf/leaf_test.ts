/**
 * @module
 * denats leaf <-> denats hub over plain TCP (nats-server leafnode.go behaviour): messages in
 * order both ways, headers, request/reply, queue locality with fail-over across the link,
 * account binding, auth failure, `/leafz`. Real sockets, real clients. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { headers as natsHeaders } from "@nats-io/transport-node";
import {
  client,
  DenatsNode,
  freePort,
  OPTS,
  queueAcrossLink,
  TempDir,
  waitFor,
  waitInterest,
  waitLeafs,
} from "./_leaf.ts";
import { leafz } from "../../server/monitor/links.ts";
import { varz } from "../../server/monitor/varz.ts";

async function pair(dir: TempDir, hubExtra: string[] = [], remote = "", leafExtra: string[] = []) {
  const leafPort = freePort();
  const hub = await DenatsNode.start(dir, { name: "hub", leafPort, leafExtra: hubExtra });
  const leaf = await DenatsNode.start(dir, {
    name: "leaf",
    extra: leafExtra,
    remotes: [remote || `url: "nats-leaf://127.0.0.1:${leafPort}"`],
  });
  return { hub, leaf, leafPort };
}

Deno.test("messages cross a denats leaf and a denats hub both ways, in order", OPTS, async () => {
  await using dir = await TempDir.create();
  const { hub, leaf } = await pair(dir);
  await using _h = hub;
  await using _l = leaf;
  await waitLeafs(hub);
  await waitLeafs(leaf);
  await using nh = await client(hub);
  await using nl = await client(leaf);
  const N = 200;
  for (const [pub, sub, subject] of [[nl, nh, "up"], [nh, nl, "down"]] as const) {
    const got: number[] = [];
    sub.subscribe(`${subject}.x`, { callback: (_e, m) => void got.push(Number(m.string())) });
    await sub.flush();
    await waitInterest(pub, sub, subject);
    for (let i = 0; i < N; i++) pub.publish(`${subject}.x`, String(i));
    await pub.flush();
    await waitFor(() => got.length >= N, 5000, `${subject} ${N} messages`);
    assert.deepEqual(got, [...Array(N).keys()]);
  }
});

Deno.test("headers and request/reply cross the link", OPTS, async () => {
  await using dir = await TempDir.create();
  const { hub, leaf } = await pair(dir);
  await using _h = hub;
  await using _l = leaf;
  await waitLeafs(leaf);
  await using nh = await client(hub);
  await using nl = await client(leaf);
  nh.subscribe("svc", {
    callback: (_e, m) => {
      const h = natsHeaders();
      h.set("X-Echo", m.headers?.get("X-In") ?? "none");
      m.respond(`re:${m.string()}`, { headers: h });
    },
  });
  await nh.flush();
  await waitInterest(nl, nh, "svc");
  const h = natsHeaders();
  h.set("X-In", "hello");
  const reply = await nl.request("svc", "ping", { timeout: 3000, headers: h });
  assert.deepEqual(reply.string(), "re:ping");
  assert.deepEqual(reply.headers?.get("X-Echo"), "hello");
});

Deno.test("a queue group serves locally first and fails over across the link", OPTS, async () => {
  await using dir = await TempDir.create();
  const { hub, leaf } = await pair(dir);
  await using _h = hub;
  await using _l = leaf;
  await waitLeafs(leaf);
  await using nh = await client(hub);
  await using nl = await client(leaf);
  const q = await queueAcrossLink(nl, nh, 50, "fail-over to the hub's member");
  assert.deepEqual([q.first.near, q.first.far], [50, 0], "the leaf's own member takes them all");
  assert.deepEqual(q.last.near, 50);
});

Deno.test(
  "a remote's `account` binds the leaf side, leaf users bind the hub side",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    await using hub = await DenatsNode.start(dir, {
      name: "hub",
      leafPort,
      extra: ["accounts { HUBACC { users: [ { user: hc, password: hp } ] } }"],
      leafExtra: [
        "authorization { users: [ { user: lu, password: lp, account: HUBACC } ] }",
      ],
    });
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      extra: ["accounts { LEAFACC { users: [ { user: lc, password: lcp } ] } }"],
      remotes: [`url: "nats-leaf://lu:lp@127.0.0.1:${leafPort}", account: LEAFACC`],
    });
    // Both sides register the connection (the leaf's may come a moment after the hub's).
    await waitLeafs(hub);
    await waitLeafs(leaf);
    const hubLeafs = leafz(hub.handle.server).leafs ?? [];
    assert.deepEqual(hubLeafs.map((l) => l.account), ["HUBACC"]);
    assert.deepEqual((leafz(leaf.handle.server).leafs ?? []).map((l) => l.account), ["LEAFACC"]);
    await using nh = await client(hub, { user: "hc", pass: "hp" });
    await using nl = await client(leaf, { user: "lc", pass: "lcp" });
    const got: string[] = [];
    nh.subscribe("acc.test", { callback: (_e, m) => void got.push(m.string()) });
    await nh.flush();
    await waitInterest(nl, nh, "acc");
    nl.publish("acc.test", "bound");
    await waitFor(() => got.length === 1, 3000, "message in HUBACC");
    assert.deepEqual(got, ["bound"]);
  },
);

Deno.test("a wrong password is refused with nats-server's texts", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, {
    name: "hub",
    leafPort,
    leafExtra: ["authorization { user: lu, password: lp }"],
  });
  await using leaf = await DenatsNode.start(dir, {
    name: "leaf",
    remotes: [`url: "nats-leaf://lu:wrong@127.0.0.1:${leafPort}"`],
  });
  await waitFor(
    () => leaf.lines().some((l) => l.endsWith("- Leafnode Error 'Authorization Violation'")),
    5000,
    "leaf logs the hub's -ERR",
  );
  assert(
    hub.lines().some((l) => /lid:\d+ - authentication error$/.test(l)),
    hub.lines().join("\n"),
  );
  assert(
    hub.lines().some((l) =>
      /Leafnode connection closed: Authentication Failure account: $/.test(l)
    ),
  );
  assert.deepEqual(await hub.leafCount(), 0);
});

Deno.test("/leafz lists the link with its subscriptions, /varz counts it", OPTS, async () => {
  await using dir = await TempDir.create();
  const { hub, leaf } = await pair(dir);
  await using _h = hub;
  await using _l = leaf;
  await waitLeafs(hub);
  await using nl = await client(leaf);
  nl.subscribe("mon.a");
  await nl.flush();
  const server = hub.handle.server;
  await waitFor(
    () => (leafz(server, { subs: true }).leafs?.[0].subscriptions_list ?? []).includes("mon.a"),
    3000,
    "mon.a in /leafz",
  );
  const info = leafz(server, { subs: true }).leafs![0];
  assert.deepEqual(info.account, "$G");
  assert.deepEqual(info.ip, "127.0.0.1");
  assert(info.subscriptions >= 2, "the loop-detection subject and mon.a");
  assert.deepEqual(leafz(server, { account: "OTHER" }).leafnodes, 0);
  const v = varz(server) as unknown as Record<string, unknown>;
  assert.deepEqual(v.leafnodes, 1);
});

/**
 * @module
 * The system account's leafnode connect event (nats-server 2.9.10 events.go
 * sendLeafNodeConnect): `$SYS.ACCOUNT.<acc>.LEAFNODE.CONNECT` with `{server, acc}`, sent by the
 * accepting side and by the soliciting side of a `hub: true` remote, only with gateways enabled.
 * A system-account subscriber on each side watches; the event's keys are compared with what
 * nats-server sends in the same setup (skipped visibly without nats-server). Also the LEAFZ
 * system requests (`$SYS.REQ.SERVER.PING.LEAFZ`, `.<id>.LEAFZ`, `$SYS.REQ.ACCOUNT.<acc>.LEAFZ`)
 * with a leaf connected, their key paths compared with nats-server's. Real sockets.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  client,
  freePort,
  haveReference,
  type NodeKind,
  OPTS,
  startNode,
  TempDir,
  waitFor,
  waitLeafs,
} from "./_leaf.ts";

type Kind = NodeKind;

/** Accounts `SYS` (the system account) and `A`, and a gateway when `gateway` is set. */
function extra(gateway: string | null): string[] {
  const lines = [
    "accounts {",
    "  SYS { users: [{ user: sys, password: sys }] }",
    "  A { users: [{ user: a, password: a }] }",
    "}",
    "system_account: SYS",
  ];
  if (gateway !== null) {
    lines.push(`gateway { name: ${JSON.stringify(gateway)}, listen: "127.0.0.1:${freePort()}" }`);
  }
  return lines;
}

interface Seen {
  subject: string;
  event: Record<string, unknown>;
}

/**
 * A hub (gateway `G1` when `gateways`) and a leaf bound to `A` (with `hub: true` and gateway
 * `G2` when `leafIsHub`); the LEAFNODE.CONNECT events each side's system account sees by the
 * time the link is up and a probe request has crossed both system accounts.
 */
async function scenario(
  kind: Kind,
  gateways: boolean,
  leafIsHub = false,
): Promise<{ atHub: Seen[]; atLeaf: Seen[] }> {
  await using dir = await TempDir.create();
  const hubSpec = {
    name: "hub",
    port: freePort(),
    leafPort: freePort(),
    extra: extra(gateways ? "G1" : null),
  };
  let hub = await startNode(kind, dir, hubSpec);
  try {
    const atHub: Seen[] = [];
    let atLeaf: Seen[] = [];
    await using nh = await client(hub, { user: "sys", pass: "sys", reconnect: false });
    nh.subscribe("$SYS.ACCOUNT.*.LEAFNODE.CONNECT", {
      callback: (_e, m) => void atHub.push({ subject: m.subject, event: m.json() }),
    });
    await nh.flush();
    const hubOption = leafIsHub ? ", hub: true" : "";
    await using leaf = await startNode(kind, dir, {
      name: "leaf",
      extra: extra(leafIsHub ? "G2" : null),
      remotes: [`url: "nats-leaf://a:a@127.0.0.1:${hubSpec.leafPort}", account: A${hubOption}`],
    });
    await using nl = await client(leaf, { user: "sys", pass: "sys" });
    nl.subscribe("$SYS.ACCOUNT.*.LEAFNODE.CONNECT", {
      callback: (_e, m) => void atLeaf.push({ subject: m.subject, event: m.json() }),
    });
    await nl.flush();
    await waitLeafs(hub);
    await waitLeafs(leaf);
    if (gateways) await waitFor(() => atHub.length > 0, 5000, `${kind}: event at the hub`);
    // What was sent on connect has arrived once a request has gone through each send queue.
    await nh.request("$SYS.REQ.SERVER.PING.VARZ", "", { timeout: 3000 });
    await nl.request("$SYS.REQ.SERVER.PING.VARZ", "", { timeout: 3000 });
    if (leafIsHub) {
      // The leaf connected before its subscriber existed: a new hub makes it connect again.
      atLeaf = [];
      await hub.stop();
      await waitLeafs(leaf, 0);
      hub = await startNode(kind, dir, hubSpec);
      await waitLeafs(leaf);
      await waitFor(() => atLeaf.length > 0, 5000, `${kind}: event at the leaf`);
      await nl.request("$SYS.REQ.SERVER.PING.VARZ", "", { timeout: 3000 });
    }
    return { atHub, atLeaf };
  } finally {
    await hub.stop();
  }
}

/** The keys of an event and of its `server` block, in order. */
function shape(e: Record<string, unknown>): string[] {
  const server = Object.keys(e.server as Record<string, unknown>).map((k) => `server.${k}`);
  return [...Object.keys(e), ...server];
}

Deno.test(
  "leaf events: the hub sends LEAFNODE.CONNECT {server, acc} with gateways",
  OPTS,
  async () => {
    const { atHub, atLeaf } = await scenario("denats", true);
    assert.equal(atHub.length, 1, JSON.stringify(atHub));
    const [{ subject, event }] = atHub;
    assert.equal(subject, "$SYS.ACCOUNT.A.LEAFNODE.CONNECT");
    assert.deepEqual(Object.keys(event), ["server", "acc"]);
    assert.equal(event.acc, "A");
    const server = event.server as Record<string, unknown>;
    assert.equal(server.name, "hub");
    assert.equal(server.cluster, "G1", "with gateways, the gateway name");
    assert.equal(typeof server.id, "string");
    assert.equal(typeof server.seq, "number");
    assert.equal(server.jetstream, false);
    assert.match(server.time as string, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(atLeaf, [], "a plain remote does not announce");
  },
);

Deno.test("leaf events: no LEAFNODE.CONNECT without gateways", OPTS, async () => {
  const { atHub, atLeaf } = await scenario("denats", false);
  assert.deepEqual([atHub, atLeaf], [[], []]);
});

Deno.test("leaf events: a hub: true remote announces on the soliciting side", OPTS, async () => {
  const { atLeaf } = await scenario("denats", true, true);
  assert.equal(atLeaf.length, 1, JSON.stringify(atLeaf));
  const { subject, event } = atLeaf[0];
  assert.equal(subject, "$SYS.ACCOUNT.A.LEAFNODE.CONNECT");
  assert.equal(event.acc, "A");
  assert.equal((event.server as { name: string }).name, "leaf");
});

Deno.test(
  "leaf events: the same events and keys as nats-server 2.9.10",
  { ...OPTS, ignore: !haveReference() },
  async () => {
    for (const [gateways, leafIsHub] of [[true, false], [false, false], [true, true]]) {
      const ours = await scenario("denats", gateways, leafIsHub);
      const theirs = await scenario("nats-server", gateways, leafIsHub);
      const label = `gateways=${gateways} hub=${leafIsHub}`;
      for (const side of ["atHub", "atLeaf"] as const) {
        assert.deepEqual(
          ours[side].map((s) => s.subject),
          theirs[side].map((s) => s.subject),
          `${label} ${side}: subjects`,
        );
        assert.deepEqual(
          ours[side].map((s) => shape(s.event)),
          theirs[side].map((s) => shape(s.event)),
          `${label} ${side}: keys`,
        );
      }
    }
  },
);

/** Keys of `o` and of its nested objects (first array element for arrays), dotted, in order. */
function keyPaths(o: unknown, path = ""): string[] {
  if (Array.isArray(o)) return o.length > 0 ? keyPaths(o[0], `${path}[]`) : [];
  if (o === null || typeof o !== "object") return [];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => {
    const p = path === "" ? k : `${path}.${k}`;
    return [p, ...keyPaths(v, p)];
  });
}

/** The LEAFZ system requests on a hub with one leaf bound to `A`: each answer's key paths. */
async function leafzAnswers(kind: Kind): Promise<Record<string, string[]>> {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await startNode(kind, dir, { name: "hub", leafPort, extra: extra(null) });
  await using leaf = await startNode(kind, dir, {
    name: "leaf",
    extra: extra(null),
    remotes: [`url: "nats-leaf://a:a@127.0.0.1:${leafPort}", account: A`],
  });
  await waitLeafs(hub);
  await waitLeafs(leaf);
  await using nh = await client(hub, { user: "sys", pass: "sys" });
  const ask = async (subject: string, body = "") =>
    (await nh.request(subject, body, { timeout: 3000 })).json<Record<string, unknown>>();
  const ping = await ask("$SYS.REQ.SERVER.PING.LEAFZ", JSON.stringify({ subscriptions: true }));
  const id = (ping.server as { id: string }).id;
  const out: Record<string, string[]> = {
    "PING.LEAFZ": keyPaths(ping),
    "<id>.LEAFZ": keyPaths(await ask(`$SYS.REQ.SERVER.${id}.LEAFZ`)),
    "ACCOUNT.A.LEAFZ": keyPaths(await ask("$SYS.REQ.ACCOUNT.A.LEAFZ")),
  };
  const data = ping.data as { leafnodes: number; leafs: { account: string }[] };
  assert.equal(data.leafnodes, 1);
  assert.equal(data.leafs[0].account, "A");
  return out;
}

Deno.test("LEAFZ system requests answer with a leaf connected", OPTS, async () => {
  const ours = await leafzAnswers("denats");
  for (const paths of Object.values(ours)) {
    assert.ok(paths.includes("data.leafs[].account"), paths.join());
  }
  assert.ok(ours["PING.LEAFZ"].includes("data.leafs[].subscriptions_list"));
});

Deno.test(
  "LEAFZ system requests: the same keys as nats-server 2.9.10",
  { ...OPTS, ignore: !haveReference() },
  async () => {
    const ours = await leafzAnswers("denats");
    const theirs = await leafzAnswers("nats-server");
    const withoutServer = (r: Record<string, string[]>) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, v.filter((p) => !p.startsWith("server."))]),
      );
    assert.deepEqual(withoutServer(ours), withoutServer(theirs));
  },
);

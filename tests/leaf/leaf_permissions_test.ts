/**
 * @module
 * Leafnode permissions (nats-server leafnode.go, client.go deliverMsg for a LEAF): a remote's
 * `deny_exports` keeps messages home and its `deny_imports` keeps its interest (and so the
 * hub's messages) out; the permissions of the user a leaf authenticates as travel to the leaf
 * in the hub's INFO and apply on both sides; an LS+ the hub may not serve is refused with
 * nats-server's `-ERR` (raw protocol). Real sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  client,
  DenatsNode,
  freePort,
  OPTS,
  TempDir,
  waitFor,
  waitInterest,
  waitLeafs,
} from "./_leaf.ts";
import { leafz } from "../../server/monitor/links.ts";

Deno.test("deny_exports keeps messages home, deny_imports keeps interest out", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, { name: "hub", leafPort });
  await using leaf = await DenatsNode.start(dir, {
    name: "leaf",
    remotes: [
      `url: "nats-leaf://127.0.0.1:${leafPort}", deny_exports: ["secret.>"], deny_imports: ["private.>"]`,
    ],
  });
  await waitLeafs(hub);
  await using nh = await client(hub);
  await using nl = await client(leaf);
  const atHub: string[] = [];
  nh.subscribe(">", { callback: (_e, m) => void atHub.push(m.subject) });
  await nh.flush();
  const atLeaf: string[] = [];
  nl.subscribe("private.a", { callback: (_e, m) => void atLeaf.push(m.subject) });
  nl.subscribe("public.a", { callback: (_e, m) => void atLeaf.push(m.subject) });
  await nl.flush();
  await waitInterest(nh, nl, "public");
  nl.publish("secret.x");
  nl.publish("public.x");
  await waitFor(() => atHub.includes("public.x"), 3000, "public.x reaches the hub");
  nh.publish("private.a");
  nh.publish("public.a");
  await waitFor(() => atLeaf.includes("public.a"), 3000, "public.a reaches the leaf");
  await nl.flush();
  await nh.flush();
  assert(!atHub.includes("secret.x"), atHub.join(","));
  assert.deepEqual(atLeaf, ["public.a"]);
  const subs = leafz(hub.handle.server, { subs: true }).leafs?.[0].subscriptions_list ?? [];
  assert(subs.includes("public.a") && !subs.includes("private.a"), subs.join(","));
});

const HUB_USERS = [
  "authorization { users: [ { user: lu, password: lp, permissions: " +
  '{ publish: { deny: ["hub.deny.>"] }, subscribe: { deny: ["nosub.>"] } } } ] }',
];

Deno.test("the hub user's permissions apply on both sides of the link", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, { name: "hub", leafPort, extra: HUB_USERS });
  await using leaf = await DenatsNode.start(dir, {
    name: "leaf",
    remotes: [`url: "nats-leaf://lu:lp@127.0.0.1:${leafPort}"`],
  });
  await waitLeafs(hub);
  await using nh = await client(hub, { user: "lu", pass: "lp" });
  await using nl = await client(leaf);
  const atHub: string[] = [];
  nh.subscribe("hub.>", { callback: (_e, m) => void atHub.push(m.subject) });
  await nh.flush();
  await waitInterest(nl, nh, "hub.ok");
  nl.publish("hub.deny.x");
  nl.publish("hub.ok.x");
  await waitFor(() => atHub.includes("hub.ok.x"), 3000, "hub.ok.x arrives");
  assert(!atHub.includes("hub.deny.x"), atHub.join(","));
  // The leaf does not announce interest the user may not subscribe to.
  nl.subscribe("nosub.a");
  nl.subscribe("yes.a");
  await nl.flush();
  const subsAtHub = () =>
    leafz(hub.handle.server, { subs: true }).leafs?.[0].subscriptions_list ?? [];
  await waitFor(() => subsAtHub().includes("yes.a"), 3000, "yes.a announced");
  assert(!subsAtHub().includes("nosub.a"));
});

Deno.test("an LS+ the hub may not serve is refused with nats-server's -ERR", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, { name: "hub", leafPort, extra: HUB_USERS });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: leafPort });
  try {
    const enc = new TextEncoder();
    const dec = new TextDecoder();
    let text = "";
    const buf = new Uint8Array(8192);
    const readUntil = async (re: RegExp) => {
      await waitFor(
        async () => {
          if (re.test(text)) return true;
          const n = await conn.read(buf);
          if (n === null) return true;
          text += dec.decode(buf.subarray(0, n));
          return re.test(text);
        },
        5000,
        String(re),
      );
    };
    await readUntil(/^INFO \{.*"leafnode_urls".*\}\r\n/);
    await conn.write(
      enc.encode('CONNECT {"user":"lu","pass":"lp","name":"raw"}\r\nLS+ nosub.a\r\n'),
    );
    await readUntil(/-ERR 'Permissions Violation for Subscription to "nosub\.a"'\r\n/);
    assert.match(text, /"connect_info":true/);
    assert.match(
      text,
      /"import":\{"deny":\["nosub\.\\u003e"\]\},"export":\{"deny":\["hub\.deny\.\\u003e"\]\}/,
    );
    await waitFor(
      () =>
        hub.lines().some((l) =>
          l.endsWith('- Subscription Violation on "nosub.a" - Check other side configuration')
        ),
      3000,
      "the hub logs the violation",
    );
  } finally {
    conn.close();
  }
});

Deno.test(
  "JetStream API, KV and object store subjects do not cross (JetStream not extended)",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const leafPort = freePort();
    await using hub = await DenatsNode.start(dir, { name: "hub", leafPort });
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
    });
    await waitLeafs(hub);
    await using nh = await client(hub);
    await using nl = await client(leaf);
    const atHub: string[] = [];
    nh.subscribe("$KV.b.k", { callback: (_e, m) => void atHub.push(m.subject) });
    nh.subscribe("kv.ok", { callback: (_e, m) => void atHub.push(m.subject) });
    await nh.flush();
    await waitInterest(nl, nh, "kv");
    nl.publish("$KV.b.k");
    nl.publish("kv.ok");
    await waitFor(() => atHub.includes("kv.ok"), 3000, "kv.ok crosses");
    assert.deepEqual(atHub, ["kv.ok"]);
    const subs = leafz(leaf.handle.server, { subs: true }).leafs?.[0].subscriptions_list ?? [];
    assert(!subs.includes("$KV.b.k"), subs.join(","));
    assert(
      hub.lines().some((l) => l.endsWith('adding deny [$JS.API.> $KV.> $OBJ.>] for account "$G"')),
    );
  },
);

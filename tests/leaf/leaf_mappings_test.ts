/**
 * @module
 * Account mappings and leafnode links (nats-server 2.9.10 leafnode.go
 * initLeafNodeSmapAndSendSubs, processInboundLeafMsg; parser.go maps LEAF messages as client
 * ones): a hub with `mappings { "foo.*": "bar.$1" }` announces `foo.*` to its leafs, so a
 * leaf's publish to `foo.1` crosses the link with no subscriber on `foo.*` anywhere, and the
 * hub delivers it as `bar.1`, to plain and to queue subscribers (a mapped message without a
 * queue list still reaches local queue groups). The same scenario runs on denats and on
 * nats-server (reference, skipped with a message when it is not installed).
 */
import assert from "node:assert/strict";
import {
  client,
  freePort,
  haveReference,
  type LeafNodeSpec,
  OPTS,
  startNode,
  TempDir,
  waitFor,
  waitLeafs,
} from "./_leaf.ts";

async function scenario(kind: "denats" | "nats-server"): Promise<string[]> {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  const start = (spec: LeafNodeSpec) => startNode(kind, dir, spec);
  await using hub = await start({
    name: "hub",
    leafPort,
    extra: [`mappings { "foo.*": "bar.$1" }`],
  });
  await using leaf = await start({
    name: "leaf",
    remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}"`],
  });
  await waitLeafs(hub);
  await waitLeafs(leaf);
  await using nh = await client(hub);
  await using nl = await client(leaf);
  const got: string[] = [];
  nh.subscribe("bar.1", { callback: (_e, m) => void got.push(`${m.subject} ${m.string()}`) });
  nh.subscribe("bar.2", {
    queue: "q",
    callback: (_e, m) => void got.push(`q ${m.subject} ${m.string()}`),
  });
  await nh.flush();
  // The hub's bar.* subscriptions are not what the leaf learns; foo.* (the mapping) is.
  let n = 0;
  await waitFor(
    async () => {
      nl.publish("foo.1", `probe${n++}`);
      await nl.flush();
      return got.length > 0;
    },
    8000,
    "foo.1 across the link",
  );
  got.length = 0;
  nl.publish("foo.1", "one");
  nl.publish("foo.2", "two");
  await nl.flush();
  await waitFor(() => got.length >= 2, 5000, "two mapped messages");
  return got.filter((g) => !g.includes("probe")).sort();
}

const WANT = ["bar.1 one", "q bar.2 two"];

Deno.test(
  "leaf mappings: a leaf's publish to a hub mapping source arrives mapped",
  OPTS,
  async () => {
    assert.deepEqual(await scenario("denats"), WANT);
  },
);

Deno.test({
  name: "leaf mappings: the same scenario on nats-server (reference)",
  ...OPTS,
  ignore: !haveReference(),
  async fn() {
    assert.deepEqual(await scenario("nats-server"), WANT);
  },
});

/**
 * @module
 * A leafnode remote authenticating with a `credentials` file (nats-server leafnode.go
 * sendLeafConnect: the user JWT and the hub's nonce signed with the seed) to a hub in operator
 * mode: denats and nats-server hubs (the latter skipped visibly when absent); a user of an
 * unknown account is refused. Real sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  DenatsNode,
  freePort,
  haveReference,
  type LeafTestNode,
  OPTS,
  startNode,
  TempDir,
  waitFor,
  waitLeafs,
} from "./_leaf.ts";
import { makeAccount, makeOperator, makeUser } from "../../server/accounts/_test_keys.ts";
import { leafz } from "../../server/monitor/links.ts";

async function operatorSetup(dir: TempDir) {
  const op = await makeOperator();
  const acc = await makeAccount(op.kp);
  const user = await makeUser(acc.kp);
  const stranger = await makeUser((await makeAccount(op.kp)).kp);
  const hubExtra = [
    `operator: ${op.jwt}`,
    "resolver: MEMORY",
    `resolver_preload: { ${acc.pub}: ${acc.jwt} }`,
  ];
  const creds = dir.write("user.creds", new TextDecoder().decode(user.creds));
  const strangerCreds = dir.write("stranger.creds", new TextDecoder().decode(stranger.creds));
  return { acc, hubExtra, creds, strangerCreds };
}

for (const hubKind of ["denats", "nats-server"] as const) {
  Deno.test(
    `a credentials remote binds to its JWT account on a ${hubKind} hub`,
    { ...OPTS, ignore: hubKind === "nats-server" && !haveReference() },
    async () => {
      await using dir = await TempDir.create();
      const { acc, hubExtra, creds } = await operatorSetup(dir);
      const leafPort = freePort();
      const spec = { name: "hub", leafPort, extra: hubExtra };
      await using hub: LeafTestNode = await startNode(hubKind, dir, spec);
      await using leaf = await DenatsNode.start(dir, {
        name: "leaf",
        remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}", credentials: "${creds}"`],
      });
      await waitLeafs(hub);
      await waitLeafs(leaf);
      if (hub instanceof DenatsNode) {
        assert.deepEqual(leafz(hub.handle.server).leafs?.map((l) => l.account), [acc.pub]);
      }
    },
  );
}

Deno.test("a credentials remote of an unknown account is refused", OPTS, async () => {
  await using dir = await TempDir.create();
  const { hubExtra, strangerCreds } = await operatorSetup(dir);
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, { name: "hub", leafPort, extra: hubExtra });
  await using leaf = await DenatsNode.start(dir, {
    name: "leaf",
    remotes: [`url: "nats-leaf://127.0.0.1:${leafPort}", credentials: "${strangerCreds}"`],
  });
  await waitFor(
    () => leaf.lines().some((l) => l.endsWith("- Leafnode Error 'Authorization Violation'")),
    5000,
    "refused",
  );
  assert.equal(await hub.leafCount(), 0);
});

/**
 * @module
 * Regressions found by the massive topology: a leafnode hub with gateways (one server per
 * cluster, so no route carries the interest). The remote cluster's interest, held by the
 * outbound gateway in interest-only mode, reaches the leafs (leafnode.go
 * updateInterestForAccountOnGateway, and the snapshot a new leaf gets); a leaf's subscription
 * reaches the gateways (processLeafSub's gatewayUpdateSubInterest); and a leafnode listener
 * next to gateways needs a system account (validateLeafNode), with nats-server's text.
 * Real servers and sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import { DENATS_BIN, haveNatsServer, NATS_SERVER_BIN } from "../process/_proc.ts";
import {
  spec,
  TempDir,
  topoConf,
  TopoNode,
  type TopoSpec,
  waitFor,
  waitLinks,
} from "./_topology.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false };

/** Clusters A and B, one server each, joined by gateways; `a` has a leafnode listener. */
function pair(): { a: TopoSpec; b: TopoSpec; leaf: TopoSpec } {
  const [a, b, leaf] = ["a", "b", "L"].map(spec);
  const [ca, cb, ga, gb] = [0, 0, 0, 0].map(() => spec("x").port);
  a.cluster = { name: "A", port: ca, routes: [] };
  b.cluster = { name: "B", port: cb, routes: [] };
  a.gateway = { name: "A", port: ga, remotes: [["B", [gb]]] };
  b.gateway = { name: "B", port: gb, remotes: [["A", [ga]]] };
  a.leafPort = spec("x").port;
  leaf.leafRemote = [a.leafPort];
  return { a, b, leaf };
}

/** Publishes on `pub` until a subscription of `sub` gets one message. */
async function reaches(pub: NatsConnection, sub: NatsConnection, subject: string): Promise<void> {
  let got = 0;
  sub.subscribe(subject, { callback: () => void got++ });
  await sub.flush();
  await waitFor(
    async () => {
      pub.publish(subject);
      await pub.flush();
      return got > 0;
    },
    10_000,
    `${subject} delivered`,
  );
}

Deno.test(
  "leaf on a hub with gateways: interest crosses both ways, and for a new leaf",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const { a, b, leaf } = pair();
    await using na = await TopoNode.start(dir, a, "denats");
    await using nb = await TopoNode.start(dir, b, "denats");
    await waitLinks([[na, { gateways: ["B"] }], [nb, { gateways: ["A"] }]]);
    const cb = await connect({ port: b.port });
    // Subscribed on B before the leaf connects: the leaf's first interest snapshot holds it.
    let early = 0;
    cb.subscribe("early", { callback: () => void early++ });
    await cb.flush();
    await using nl = await TopoNode.start(dir, leaf, "denats");
    await waitLinks([[na, { leafs: 1 }], [nl, { leafs: 1 }]]);
    const cl = await connect({ port: leaf.port });
    try {
      await waitFor(
        async () => {
          cl.publish("early");
          await cl.flush();
          return early > 0;
        },
        10_000,
        "early delivered",
      );
      await reaches(cl, cb, "leaf.to.b"); // B's RS+ -> LS+ to the leaf
      await reaches(cb, cl, "b.to.leaf"); // the leaf's LS+ -> RS+ to B
      cb.subscribe("svc", { callback: (_e, m) => void m.respond("pong") });
      await cb.flush();
      const reply = await waitFor(
        () => cl.request("svc", "", { timeout: 500 }).then((m) => m.string(), () => null),
        10_000,
        "request from the leaf answered on B",
      );
      assert.equal(reply, "pong");
      // A service on the leaf (a spoke without gateways) answers a request from B at once: the
      // request's reply is gateway-routed (`_GR_.`, the inbox is new), the leaf's client sees the
      // plain reply and its response goes back through the hub (trackGWReply, gwLeafSubs).
      cl.subscribe("leafsvc", { callback: (_e, m) => void m.respond(`re:${m.subject}`) });
      await cl.flush();
      await reaches(cb, cl, "leafsvc.probe");
      let seenReply = "";
      cl.subscribe("leafsvc2", {
        callback: (_e, m) => {
          seenReply = m.reply ?? "";
          void m.respond("two");
        },
      });
      await cl.flush();
      await reaches(cb, cl, "leafsvc2.probe");
      const fresh = await connect({ port: b.port });
      try {
        assert.equal(
          (await fresh.request("leafsvc", "", { timeout: 1500 })).string(),
          "re:leafsvc",
        );
        assert.equal((await fresh.request("leafsvc2", "", { timeout: 1500 })).string(), "two");
        assert.match(seenReply, /^_INBOX\./, "the leaf's client sees the plain reply");
      } finally {
        await fresh.close();
      }
    } finally {
      await cl.close();
      await cb.close();
    }
  },
);

const NO_SYSTEM = "leaf nodes and gateways (both being defined) require a system account to " +
  "also be configured";

Deno.test("a leafnode listener next to gateways needs a system account", OPTS, async () => {
  await using dir = await TempDir.create();
  const { a } = pair();
  const conf = topoConf(a).replace(/accounts \{ SYS: \{\} \}\nsystem_account: SYS\n/, "");
  assert.doesNotMatch(conf, /system_account/);
  const file = dir.write("a.conf", conf);
  await assert.rejects(startServer({ config: file, quiet: true }), { message: NO_SYSTEM });
  // Without the leafnode listener the same server starts.
  const noLeafListen = conf.replace(/leafnodes \{\n {2}listen: "[^"]+"\n\}\n/, "");
  await using ok = await startServer({ config: dir.write("b.conf", noLeafListen), quiet: true });
  assert.ok(ok.port > 0);
  const denats = await new Deno.Command(DENATS_BIN, { args: ["-c", file], stderr: "piped" })
    .output();
  assert.equal(denats.code, 1);
  assert.equal(new TextDecoder().decode(denats.stderr).trim(), `nats-server: ${NO_SYSTEM}`);
  if (haveNatsServer("leafnode/gateway system account check not compared")) {
    const out = await new Deno.Command(NATS_SERVER_BIN, { args: ["-c", file], stderr: "piped" })
      .output();
    assert.equal(out.code, 1);
    assert.equal(new TextDecoder().decode(out.stderr).trim(), `nats-server: ${NO_SYSTEM}`);
  }
});

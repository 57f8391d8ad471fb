/**
 * @module
 * Every link kind together ("massive scale" topology): clusters A (a1, a2) and B (b1, b2) joined
 * by gateways, leaf node LA on a1 (its remote lists a1 then a2), LB on b2, and LLA a leaf of LA.
 * With nats-server installed, a2 and LB are the reference nats-server (otherwise denats, with a
 * visible message); a1 is a `bin/denats` process so it can be SIGKILLed. One topology is reused
 * across the steps: request/reply and pub/sub across every pair of {LLA, LA, a1, b1, LB, EDGE},
 * EDGE being an edge server (`edge: true`, in this isolate behind a `Deno.serve`, its client on
 * WebSocket) that is a leaf of LB over WebSocket, dialed with the WebSocket API; queue
 * locality with fail-over across the super-cluster, and a hub killed mid-traffic whose leaf fails
 * over to the other hub without duplicates. Real processes and sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { wsconnect } from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import { haveNatsServer } from "../process/_proc.ts";
import {
  type NodeKind,
  spec,
  TempDir,
  TopoNode,
  type TopoSpec,
  waitFor,
  waitLinks,
} from "./_topology.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false };
const GO: NodeKind = haveNatsServer("massive topology runs with denats in every role")
  ? "nats-server"
  : "denats";

/** Waits until a message published on `pub` to `subject` reaches a subscription on `sub`. */
async function waitInterest(
  pub: NatsConnection,
  sub: NatsConnection,
  subject: string,
  timeoutMs = 15_000,
): Promise<void> {
  let got = false;
  const s = sub.subscribe(subject, { callback: () => void (got = true) });
  await sub.flush();
  try {
    await waitFor(
      async () => {
        pub.publish(subject);
        await pub.flush();
        return got;
      },
      timeoutMs,
      `interest in ${subject}`,
    );
  } finally {
    s.unsubscribe();
  }
}

/** Sends requests until one is answered (interest may still be crossing links). */
async function requestUntil(
  nc: NatsConnection,
  subject: string,
  want: (reply: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  let last = "";
  return await waitFor(
    async () => {
      try {
        last = (await nc.request(subject, "ping", { timeout: 500 })).string();
        return want(last) ? last : null;
      } catch {
        return null;
      }
    },
    timeoutMs,
    `reply on ${subject} (last ${JSON.stringify(last)})`,
  );
}

Deno.test("massive topology: clusters, gateways, leafs and leafs of leafs", OPTS, async (t) => {
  await using dir = await TempDir.create();
  const [a1, a2, b1, b2] = ["a1", "a2", "b1", "b2"].map(spec);
  const [la, lb, lla] = ["LA", "LB", "LLA"].map(spec);
  const clusterPort = new Map([a1, a2, b1, b2].map((s) => [s, 0]));
  const gwPort = new Map<TopoSpec, number>();
  for (const s of [a1, a2, b1, b2]) {
    clusterPort.set(s, spec("x").port);
    gwPort.set(s, spec("x").port);
  }
  const hub = (s: TopoSpec, peer: TopoSpec, name: string, other: string, o: TopoSpec[]) => {
    s.cluster = { name, port: clusterPort.get(s)!, routes: [clusterPort.get(peer)!] };
    s.gateway = { name, port: gwPort.get(s)!, remotes: [[other, o.map((x) => gwPort.get(x)!)]] };
    s.leafPort = spec("x").port;
  };
  hub(a1, a2, "A", "B", [b1, b2]);
  hub(a2, a1, "A", "B", [b1, b2]);
  hub(b1, b2, "B", "A", [a1, a2]);
  hub(b2, b1, "B", "A", [a1, a2]);
  la.leafPort = spec("x").port;
  la.leafRemote = [a1.leafPort!, a2.leafPort!];
  lb.leafRemote = [b2.leafPort!];
  // LB accepts the edge server's leafnode on its WebSocket listener.
  lb.leafPort = spec("x").port;
  lb.wsPort = spec("x").port;
  lla.leafRemote = [la.leafPort];

  await using nA1 = await TopoNode.start(dir, a1, "denats-process");
  await using nA2 = await TopoNode.start(dir, a2, GO);
  await using nB1 = await TopoNode.start(dir, b1, "denats");
  await using nB2 = await TopoNode.start(dir, b2, "denats");
  await using nLA = await TopoNode.start(dir, la, "denats");
  await using nLB = await TopoNode.start(dir, lb, GO);
  await using nLLA = await TopoNode.start(dir, lla, "denats");
  await waitLinks([
    [nA1, { routes: 1, gateways: ["B"], leafs: 1 }],
    [nA2, { routes: 1, gateways: ["B"], leafs: 0 }],
    [nB1, { routes: 1, gateways: ["A"], leafs: 0 }],
    [nB2, { routes: 1, gateways: ["A"], leafs: 1 }],
    [nLA, { leafs: 2 }],
    [nLB, { leafs: 1 }],
    [nLLA, { leafs: 1 }],
  ]);
  // EDGE: binds nothing; its host's HTTP server (here the test's) hands it every request.
  await using edge = await startServer({
    edge: true,
    quiet: true,
    serverName: "EDGE",
    leafnodes: { reconnect: 1, remotes: [{ url: `ws://127.0.0.1:${lb.wsPort}` }] },
  });
  await using edgeHttp = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, edge.fetch);
  await waitLinks([[nLB, { leafs: 2 }]]);

  const conns: NatsConnection[] = [];
  const client = async (n: TopoNode) => {
    const nc = await connect({ port: n.port, name: n.name, maxReconnectAttempts: 0 });
    conns.push(nc);
    return nc;
  };
  try {
    const cLLA = await client(nLLA);
    const cLA = await client(nLA);
    const cA1 = await client(nA1);
    const cB1 = await client(nB1);
    const cLB = await client(nLB);
    const cEDGE = await wsconnect({
      servers: `ws://127.0.0.1:${edgeHttp.addr.port}`,
      name: "EDGE",
      maxReconnectAttempts: 0,
    });
    conns.push(cEDGE);
    const ends: [string, NatsConnection][] = [
      ["LLA", cLLA],
      ["LA", cLA],
      ["a1", cA1],
      ["b1", cB1],
      ["LB", cLB],
      ["EDGE", cEDGE],
    ];

    await t.step("request/reply from every leaf to services on leafs and clusters", async () => {
      const services: [string, NatsConnection][] = [["LB", cLB], ["b1", cB1], ["a1", cA1]];
      for (const [name, nc] of services) {
        nc.subscribe(`svc.${name}`, {
          queue: "workers",
          callback: (_e, m) => void m.respond(`${name}:${m.string()}`),
        });
        await nc.flush();
      }
      const requesters = [["LLA", cLLA], ["LA", cLA], ["LB", cLB], ["EDGE", cEDGE]] as const;
      for (const [from, nc] of requesters) {
        for (const [name] of services) {
          const reply = await requestUntil(nc, `svc.${name}`, () => true);
          assert.equal(reply, `${name}:ping`, `${from} -> ${name}`);
        }
      }
      // Once interest is known, requests are answered without retries, in order.
      for (let i = 0; i < 20; i++) {
        const m = await cLLA.request("svc.LB", String(i), { timeout: 3000 });
        assert.equal(m.string(), `LB:${i}`);
      }
      // A new requester's first request too: its fresh inbox makes the reply gateway-routed
      // (`_GR_.` prefix) on the way to LB, and LB's answer must find its way back.
      const fresh = await client(nLLA);
      const m = await fresh.request("svc.LB", "first", { timeout: 1500 });
      assert.equal(m.string(), "LB:first");
    });

    await t.step("pub/sub between every pair, in order, exactly once", async () => {
      const N = 50;
      const got = new Map<string, number[]>();
      const done = new Map<string, boolean>();
      for (const [dst, nc] of ends) {
        nc.subscribe(`p.${dst}.*`, {
          callback: (_e, m) => {
            const key = `${m.subject.split(".")[2]}->${dst}`;
            const body = m.string();
            if (body === "end") done.set(key, true);
            else got.set(key, [...(got.get(key) ?? []), Number(body)]);
          },
        });
        await nc.flush();
      }
      for (const [src, pub] of ends) {
        for (const [dst, sub] of ends) {
          if (src !== dst) await waitInterest(pub, sub, `probe.${src}.${dst}`);
        }
      }
      // Interest in p.<dst>.* crossed with the probes' (same paths); publish on all pairs at once.
      for (const [src, pub] of ends) {
        for (const [dst] of ends) {
          if (src === dst) continue;
          for (let i = 0; i < N; i++) pub.publish(`p.${dst}.${src}`, String(i));
          pub.publish(`p.${dst}.${src}`, "end");
        }
        await pub.flush();
      }
      const pairs = ends.flatMap(([s]) => ends.filter(([d]) => d !== s).map(([d]) => `${s}->${d}`));
      await waitFor(() => pairs.every((p) => done.get(p)), 20_000, "every pair's end marker")
        .catch((e) => {
          const missing = pairs.filter((p) => !done.get(p));
          throw new Error(`${e.message}: missing ${missing.join(" ")}`);
        });
      // A second round-trip through each destination lets any late duplicate arrive first.
      for (const [, nc] of ends) await nc.flush();
      for (const p of pairs) assert.deepEqual(got.get(p), [...Array(N).keys()], p);
    });

    await t.step("queue group: LLA's request served on LA first, then on LB", async () => {
      const laQ = cLA.subscribe("qsvc", {
        queue: "q",
        callback: (_e, m) => void m.respond("LA"),
      });
      cLB.subscribe("qsvc", { queue: "q", callback: (_e, m) => void m.respond("LB") });
      await cLA.flush();
      await cLB.flush();
      // LB's member is known across the super-cluster: requests from b1 reach a member.
      await requestUntil(cB1, "qsvc", () => true);
      await requestUntil(cLLA, "qsvc", (r) => r === "LA");
      for (let i = 0; i < 20; i++) {
        assert.equal((await cLLA.request("qsvc", "x", { timeout: 3000 })).string(), "LA");
      }
      laQ.unsubscribe();
      await cLA.flush();
      await requestUntil(cLLA, "qsvc", (r) => r === "LB");
      for (let i = 0; i < 20; i++) {
        assert.equal((await cLLA.request("qsvc", "x", { timeout: 3000 })).string(), "LB");
      }
    });

    await t.step(
      "a1 SIGKILLed while LA publishes: LA fails over to a2, no duplicates",
      async () => {
        await cA1.close();
        const cA2 = await client(nA2);
        const subs: [string, NatsConnection][] = [["LLA", cLLA], ["a2", cA2], ["b1", cB1], [
          "LB",
          cLB,
        ]];
        const seen = new Map<string, number[]>(subs.map(([n]) => [n, []]));
        for (const [name, nc] of subs) {
          nc.subscribe("ft.la", {
            callback: (_e, m) => void seen.get(name)!.push(Number(m.string())),
          });
          await nc.flush();
        }
        // b1 -> LLA the other way, across the gateway and both leaf links.
        const back: number[] = [];
        cLLA.subscribe("ft.b1", { callback: (_e, m) => void back.push(Number(m.string())) });
        await cLLA.flush();
        for (const [, nc] of subs) await waitInterest(cLA, nc, "ft.probe");
        await waitInterest(cB1, cLLA, "ft.probe2");

        let seq = 0;
        let backSeq = 0;
        let running = true;
        const pump = (async () => {
          while (running) {
            cLA.publish("ft.la", String(++seq));
            cB1.publish("ft.b1", String(++backSeq));
            await cLA.flush();
            await cB1.flush();
            await new Promise((r) => setTimeout(r, 2));
          }
        })();
        try {
          await waitFor(() => subs.every(([n]) => seen.get(n)!.length >= 50), 10_000, "traffic");
          await nA1.kill();
          const atKill = seq;
          const backAtKill = backSeq;
          await waitLinks([[nLA, { leafs: 2 }], [nA2, { leafs: 1, routes: 0 }]], 20_000);
          await waitFor(
            () => subs.every(([n]) => seen.get(n)!.some((s) => s > atKill + 100)),
            20_000,
            "LA's traffic resumed everywhere",
          ).catch((e) => {
            const last = subs.map(([n]) => `${n}:${seen.get(n)!.at(-1)}`).join(" ");
            throw new Error(`${e.message} (killed at ${atKill}, now ${seq}; last ${last})`);
          });
          await waitFor(() => back.some((s) => s > backAtKill + 100), 20_000, "b1 -> LLA resumed");
        } finally {
          running = false;
          await pump;
        }
        for (const [name] of subs) {
          const s = seen.get(name)!;
          const bad = s.findIndex((v, i) => i > 0 && v <= s[i - 1]);
          assert.equal(
            bad,
            -1,
            `${name}: duplicate or reordered at ${bad}: ${s.slice(bad - 3, bad + 3)}`,
          );
        }
        const bad = back.findIndex((v, i) => i > 0 && v <= back[i - 1]);
        assert.equal(bad, -1, `b1 -> LLA duplicate or reordered at ${bad}`);
        // Services across the super-cluster answer LLA again, through a2 now.
        assert.equal(await requestUntil(cLLA, "svc.LB", () => true), "LB:ping");
        assert.equal(await requestUntil(cLLA, "svc.b1", () => true), "b1:ping");
      },
    );
  } finally {
    for (const nc of conns) await nc.close().catch(() => {});
  }
});

/**
 * @module
 * The system account and configured accounts across gateways (nats-server 2.9.10 gateway.go,
 * events.go): `$SYS.REQ.SERVER.PING` and `$SYS.REQ.SERVER.PING.VARZ` answered by every server
 * of every cluster, a directed `$SYS.REQ.SERVER.<id>.VARZ` answered by a server of the other
 * cluster, connect events seen in the other cluster, pub/sub and request/reply in a configured
 * account, and a service import whose responder is in the other cluster (`_R_.` replies).
 * The same scenario runs on two denats clusters and on a denats cluster with a nats-server one.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { haveNatsServer } from "../process/_proc.ts";
import { checkFanout, checkRequestReply, closeAll } from "../cluster/_traffic.ts";
import {
  type GatewayNode,
  startGatewayNodes,
  TempDir,
  twoClusters,
  waitFor,
  waitForGateways,
} from "./_gateway.ts";

/** A system account, an account `A` importing the service `svc.>` of account `S`. */
const ACCOUNTS = `accounts {
  SYS: { users: [{ user: sys, password: sys }] }
  A: {
    users: [{ user: a, password: a }]
    imports: [{ service: { account: S, subject: "svc.>" } }]
  }
  S: {
    users: [{ user: s, password: s }]
    exports: [{ service: "svc.>" }]
  }
}
system_account: SYS`;

/** `{ server: { name, id } }` of a system answer. */
interface SysAnswer {
  server: { name: string; id: string; cluster?: string };
  data?: Record<string, unknown>;
}

/**
 * Sends `subject` with a fresh inbox as reply until `want` distinct servers answered one of
 * the requests; returns the answers of the request that got them all.
 */
async function gather(nc: NatsConnection, subject: string, want: number): Promise<SysAnswer[]> {
  let answers: SysAnswer[] = [];
  await waitFor(
    async () => {
      const got: SysAnswer[] = [];
      const inbox = `_INBOX.${crypto.randomUUID().replaceAll("-", "")}`;
      const sub = nc.subscribe(inbox, { callback: (_e, m) => void got.push(m.json()) });
      await nc.flush();
      nc.publish(subject, "", { reply: inbox });
      await nc.flush();
      try {
        await waitFor(() => got.length >= want, 1500, "answers");
      } catch {
        // retried: interest may still be crossing the gateways
      } finally {
        sub.unsubscribe();
      }
      answers = got;
      return got.length >= want;
    },
    15_000,
    `${want} answers to ${subject}`,
  );
  return answers;
}

function user(node: GatewayNode, name: string): Promise<NatsConnection> {
  return connect({
    servers: node.url,
    user: name,
    pass: name,
    name: `${name}@${node.config.name}`,
  });
}

async function scenario(kind: (cluster: string) => "denats" | "nats-server"): Promise<void> {
  await using dir = await TempDir.create();
  const configs = twoClusters();
  const nodes: GatewayNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    await startGatewayNodes(dir, configs, (c) => kind(c.cluster), nodes, () => ({ top: ACCOUNTS }));
    await waitForGateways(nodes);
    const [a1, , b1, b2] = nodes;
    const sysA = await user(a1, "sys");
    const sysB = await user(b2, "sys");
    conns.push(sysA, sysB);

    // Every server of both clusters answers a PING, each once.
    for (const sys of [sysA, sysB]) {
      const pings = await gather(sys, "$SYS.REQ.SERVER.PING", 4);
      assert.deepEqual(pings.map((p) => p.server.name).sort(), ["a1", "a2", "b1", "b2"]);
    }
    const varz = await gather(sysA, "$SYS.REQ.SERVER.PING.VARZ", 4);
    for (const v of varz) {
      const gw = v.data?.gateway as { name?: string } | undefined;
      assert.equal(gw?.name, v.server.name.startsWith("a") ? "A" : "B", v.server.name);
    }
    // A request to one server of the other cluster, by id.
    const b1Id = varz.find((v) => v.server.name === "b1")!.server.id;
    const direct = await gather(sysA, `$SYS.REQ.SERVER.${b1Id}.VARZ`, 1);
    assert.deepEqual(direct.map((d) => d.server.name), ["b1"]);

    // A connect in cluster A is an event seen in cluster B.
    const events: string[] = [];
    sysB.subscribe("$SYS.ACCOUNT.A.CONNECT", {
      callback: (_e, m) => void events.push(m.json<{ client: { name: string } }>().client.name),
    });
    await sysB.flush();
    await waitFor(
      async () => {
        const nc = await user(a1, "a");
        await nc.close();
        return events.includes("a@a1");
      },
      15_000,
      "A's connect event in B",
    );

    // A configured account: messages and requests both ways.
    const [accA1, accB1, accB2] = await Promise.all([user(a1, "a"), user(b1, "a"), user(b2, "a")]);
    conns.push(accA1, accB1, accB2);
    await checkFanout(accA1, [accB1, accB2], "acct.fan.ab");
    await checkFanout(accB2, [accA1], "acct.fan.ba");
    await checkRequestReply(accA1, accB2, "acct.svc.ab");
    await checkRequestReply(accB1, accA1, "acct.svc.ba");

    // A service import whose responder is in the other cluster: the request crosses in
    // account S with an `_R_.` reply, the answer comes back to the importer's server.
    const responder = await user(b1, "s");
    conns.push(responder);
    responder.subscribe("svc.echo", { callback: (_e, m) => void m.respond(`S:${m.string()}`) });
    await responder.flush();
    const answer = await waitFor(
      () => accA1.request("svc.echo", "hi", { timeout: 1000 }).catch(() => null),
      15_000,
      "import answered across the gateway",
    );
    assert.equal(answer.string(), "S:hi");
    for (let i = 0; i < 5; i++) {
      assert.equal((await accA1.request("svc.echo", `${i}`, { timeout: 5000 })).string(), `S:${i}`);
    }
    // And from the other side: an importer in B, a responder in A.
    const responderA = await user(a1, "s");
    const importerB = await user(b2, "a");
    conns.push(responderA, importerB);
    responderA.subscribe("svc.other", {
      callback: (_e, m) => void m.respond(`SA:${m.string()}`),
    });
    await responderA.flush();
    const back = await waitFor(
      () => importerB.request("svc.other", "x", { timeout: 1000 }).catch(() => null),
      15_000,
      "import answered from A",
    );
    assert.equal(back.string(), "SA:x");
  } finally {
    await closeAll(conns);
    for (const n of nodes.reverse()) await n[Symbol.asyncDispose]();
  }
}

Deno.test("gateways: system requests, events, accounts and service imports cross two denats clusters", () =>
  scenario(() => "denats"));

Deno.test({
  name: "mixed gateways: system requests, events, accounts and service imports with nats-server",
  ignore: !haveNatsServer("mixed gateway tests skipped"),
  fn: () => scenario((c) => c === "A" ? "denats" : "nats-server"),
});

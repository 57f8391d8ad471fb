/**
 * @module
 * Lame duck mode in a cluster (server.go sendLDMToRoutes / sendLDMToClients): the server's
 * protocol-1 clients get an INFO with `ldm:true` listing only the other members, and the other
 * members drop its client URL from what they advertise.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { disposeAll, InProcessNode, waitFor, waitForMesh } from "./_cluster.ts";
import { client, closeAll, type NatsConnection } from "./_traffic.ts";

Deno.test("a server entering lame duck mode is dropped from the cluster's connect_urls", async () => {
  const nodes: InProcessNode[] = [];
  const conns: NatsConnection[] = [];
  try {
    const timing = { lameDuckDurationMs: 1500, lameDuckGracePeriodMs: 300 };
    const a = await InProcessNode.start("ldm-a", {
      ...timing,
      cluster: { name: "ldm", listen: "127.0.0.1:-1" },
    });
    nodes.push(a);
    const b = await InProcessNode.start("ldm-b", {
      ...timing,
      cluster: {
        name: "ldm",
        listen: "127.0.0.1:-1",
        routes: [`nats://127.0.0.1:${a.clusterPort}`],
      },
    });
    nodes.push(b);
    await waitForMesh([a, b]);
    const urlA = `127.0.0.1:${a.clientPort}`;
    const urlB = `127.0.0.1:${b.clientPort}`;
    const onB = await client(b.url, "on-b");
    conns.push(onB);
    await waitFor(() => onB.info?.connect_urls?.includes(urlA), 5000, "B advertises A");
    await using raw = await RawClient.open({ host: "127.0.0.1", port: a.clientPort }, {
      protocol: 1,
    });
    const ldm = a.handle.server.enterLameDuckMode();
    const m = await raw.expect(/INFO (\{[^\r\n]*"ldm":true\}) \r\n/, 3000);
    const info = JSON.parse(m[1]);
    assert.equal(info.cluster, "ldm");
    assert.deepEqual(info.connect_urls, [urlB]);
    await waitFor(() => !onB.info?.connect_urls?.includes(urlA), 5000, "B drops A's URL");
    await ldm;
  } finally {
    await closeAll(conns);
    await disposeAll(nodes);
  }
});

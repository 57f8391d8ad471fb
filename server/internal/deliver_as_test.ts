/**
 * @module
 * `deliverTo` (nats-server's `pa.deliver`) against a real single-isolate server: a client and
 * an internal connection subscribed to the delivery subject see the published subject, one
 * member of a queue group gets it, nothing subscribed reports no delivery.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import { waitFor } from "../../tests/helpers/poll.ts";
import { InternalConnection, type InternalMsg } from "./internal_connection.ts";

Deno.test("a message routed by deliverTo shows its own subject to clients and internal subscribers", async () => {
  await using h = await startServer({ host: "127.0.0.1", port: -1, quiet: true });
  const account = h.server.account()!;
  const sender = new InternalConnection(h.server, account);
  const receiver = new InternalConnection(h.server, account);
  const nc = await connect({ servers: `127.0.0.1:${h.port}` });
  try {
    const seen: string[] = [];
    nc.subscribe("deliver.here", {
      callback: (_e, m) => {
        seen.push(`${m.subject} ${m.reply} ${m.string()}`);
      },
    });
    const queued: string[] = [];
    for (const q of [1, 2]) {
      nc.subscribe("deliver.group", {
        queue: "q",
        callback: (_e, m) => {
          queued.push(`${q} ${m.subject}`);
        },
      });
    }
    const internal: InternalMsg[] = [];
    receiver.subscribe("deliver.here", (m) => void internal.push(m));
    await nc.flush();
    assert.equal(
      sender.publish("orders.new", "x", { reply: "ack.1", deliverTo: "deliver.here" }),
      true,
    );
    sender.publish("orders.new", "y", { deliverTo: "deliver.group" });
    await waitFor(() => seen.length === 1 && internal.length === 1 && queued.length === 1, 2000);
    assert.deepEqual(seen, ["orders.new ack.1 x"]);
    assert.equal(internal[0].subject, "orders.new");
    assert.match(queued[0], /^[12] orders\.new$/);
    assert.equal(sender.publish("orders.new", "z", { deliverTo: "nobody.home" }), false);
  } finally {
    await nc.close();
    sender.close();
    receiver.close();
  }
});

Deno.test("a deliverTo message crossing a stream import shows its own subject to the importer", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "denats_das_" });
  const conf = `${dir}/s.conf`;
  Deno.writeTextFileSync(
    conf,
    `accounts {
      A: { users: [{user: a, password: a}], exports: [{stream: "dlv.>"}] }
      B: { users: [{user: b, password: b}], imports: [{stream: {account: A, subject: "dlv.>"}}] }
    }`,
  );
  await using h = await startServer({ config: conf, host: "127.0.0.1", port: -1, quiet: true });
  const sender = new InternalConnection(h.server, h.server.account("A")!);
  const nb = await connect({ servers: `127.0.0.1:${h.port}`, user: "b", pass: "b" });
  try {
    const seen: string[] = [];
    nb.subscribe("dlv.x", { callback: (_e, m) => void seen.push(`${m.subject} ${m.reply}`) });
    await nb.flush();
    await waitFor(() => h.server.account("A")!.sublist.hasInterest("dlv.x"), 2000);
    assert.equal(sender.publish("orders.new", "x", { reply: "ack.1", deliverTo: "dlv.x" }), true);
    await waitFor(() => seen.length === 1, 2000);
    assert.deepEqual(seen, ["orders.new ack.1"]);
  } finally {
    await nb.close();
    sender.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

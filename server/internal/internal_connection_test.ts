/**
 * @module
 * Internal connections against a real single-isolate server (`startServer`, port 0) and real
 * clients (`@nats-io/transport-node`): pub/sub between internal connections, queue groups
 * shared with a client, unsubscribe and auto-unsubscribe withdrawing interest (sublist count
 * and the interest hook routes and mesh peers listen on), headers both ways, request/reply with
 * a client responder, timeouts, no responders, and handlers never running inside a fan-out.
 */
import assert from "node:assert/strict";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../start.ts";
import type { Server } from "../server.ts";
import type { Account } from "../accounts/account.ts";
import type { Subscription } from "../client/subscription.ts";
import { waitFor } from "../../tests/helpers/poll.ts";
import {
  InternalConnection,
  InternalKind,
  type InternalMsg,
  RequestError,
  RequestErrorCode,
} from "./internal_connection.ts";

async function start(): Promise<ServerHandle> {
  return await startServer({ host: "127.0.0.1", port: -1, quiet: true });
}

function open(s: Server, kind?: InternalKind): InternalConnection {
  return new InternalConnection(s, s.account()!, { kind });
}

async function client(h: ServerHandle): Promise<NatsConnection> {
  return await connect({ servers: `127.0.0.1:${h.port}`, name: "internal-test" });
}

Deno.test("two internal connections exchange messages with subject, reply, data and headers", async () => {
  await using h = await start();
  const a = open(h.server, InternalKind.JetStream);
  const b = open(h.server);
  const got: InternalMsg[] = [];
  b.subscribe("in.>", (m) => void got.push(m));
  assert.equal(a.publish("in.one", "first", { reply: "r.1" }), true);
  a.publish("in.two", new Uint8Array([0, 1, 2]), { headers: { "X-A": "1", "X-B": "two" } });
  await waitFor(() => got.length === 2, 2000, "two messages");
  assert.deepEqual([got[0].subject, got[0].reply, got[0].string()], ["in.one", "r.1", "first"]);
  assert.equal(got[0].headers, null);
  assert.equal(got[0].rawHeaders, null);
  assert.deepEqual([got[1].subject, got[1].reply, [...got[1].data]], ["in.two", "", [0, 1, 2]]);
  assert.equal(got[1].header("X-B"), "two");
  assert.deepEqual(got[1].headers?.entries, [["X-A", "1"], ["X-B", "two"]]);
  assert.equal(
    new TextDecoder().decode(got[1].rawHeaders!),
    "NATS/1.0\r\nX-A: 1\r\nX-B: two\r\n\r\n",
  );
  assert.deepEqual([a.inMsgs, b.outMsgs, a.internalKind, b.internalKind], [
    2,
    2,
    "JETSTREAM",
    "SYSTEM",
  ]);
  assert.ok(a.cid > 0 && b.cid > a.cid, "connection ids come from the server sequence");
  a.close();
  b.close();
});

Deno.test("handlers run after the publisher's fan-out, each with its own copy of the bytes", async () => {
  await using h = await start();
  const pub = open(h.server);
  const sub = open(h.server);
  const seen: [boolean, string][] = [];
  let inPublish = false;
  sub.subscribe("copy.*", (m) => void seen.push([inPublish, `${m.subject}=${m.string()}`]));
  inPublish = true;
  pub.publish("copy.a", "aaaa");
  pub.publish("copy.bb", "b");
  assert.equal(seen.length, 0, "nothing handled inside publish");
  inPublish = false;
  await waitFor(() => seen.length === 2, 2000, "both messages");
  assert.deepEqual(seen, [[false, "copy.a=aaaa"], [false, "copy.bb=b"]]);
  pub.close();
  sub.close();
});

Deno.test("a connection does not hear itself unless echo is on", async () => {
  await using h = await start();
  const quiet = open(h.server);
  const echo = new InternalConnection(h.server, h.server.account()!, { echo: true });
  const heard: string[] = [];
  quiet.subscribe("echo.x", () => void heard.push("quiet"));
  echo.subscribe("echo.x", () => void heard.push("echo"));
  quiet.publish("echo.x", "1");
  echo.publish("echo.x", "2");
  await waitFor(() => heard.length === 3, 2000, "three deliveries");
  assert.deepEqual(heard.sort(), ["echo", "echo", "quiet"]);
  quiet.close();
  echo.close();
});

Deno.test("a queue group shared by an internal connection and a client gets each message once", async () => {
  await using h = await start();
  const nc = await client(h);
  try {
    const worker = open(h.server);
    const pub = open(h.server);
    let internal = 0;
    let external = 0;
    worker.subscribe("work.item", { queue: "workers" }, () => void internal++);
    nc.subscribe("work.item", { queue: "workers", callback: () => void external++ });
    await nc.flush();
    const total = 200;
    for (let i = 0; i < total; i++) pub.publish("work.item", String(i));
    await waitFor(() => internal + external === total, 5000, "all work items");
    assert.ok(internal > 0 && external > 0, `both members served: ${internal}/${external}`);
    await nc.flush();
    assert.equal(internal + external, total, "each item exactly once");
    worker.close();
    pub.close();
  } finally {
    await nc.close();
  }
});

Deno.test("unsubscribe and auto-unsubscribe withdraw the interest from the sublist and the interest hook", async () => {
  await using h = await start();
  const s = h.server;
  const changes: string[] = [];
  const hook = (account: Account, sub: Subscription, delta: 1 | -1) => {
    if (sub.subject.startsWith("gone.")) changes.push(`${account.name} ${sub.subject} ${delta}`);
  };
  const removeHook = s.onInterest(hook);
  try {
    const c = open(s);
    const before = s.account()!.sublist.count;
    const sub = c.subscribe("gone.a", () => {});
    const once: string[] = [];
    c.subscribe("gone.b", { max: 2 }, (m) => void once.push(m.string()));
    c.subscribe("gone.local", { local: true }, () => {});
    assert.equal(s.account()!.sublist.count, before + 3);
    sub.unsubscribe();
    sub.unsubscribe();
    assert.equal(s.account()!.sublist.count, before + 2);
    const pub = open(s);
    for (const n of ["1", "2", "3"]) pub.publish("gone.b", n);
    await waitFor(() => once.length === 2, 2000, "two messages before auto-unsubscribe");
    assert.deepEqual(once, ["1", "2"]);
    assert.equal(s.account()!.sublist.count, before + 1);
    assert.equal(pub.publish("gone.a", "x"), false, "nobody left on gone.a");
    assert.deepEqual(changes, ["$G gone.a 1", "$G gone.b 1", "$G gone.a -1", "$G gone.b -1"]);
    c.close();
    assert.equal(s.account()!.sublist.count, before);
    pub.close();
  } finally {
    removeHook();
  }
});

Deno.test("headers round-trip between an internal connection and a client", async () => {
  await using h = await start();
  const nc = await client(h);
  try {
    const c = open(h.server);
    const fromClient: InternalMsg[] = [];
    c.subscribe("hdr.in", (m) => void fromClient.push(m));
    const toClient = new Promise<[string | undefined, string, string]>((resolve) => {
      nc.subscribe("hdr.out", {
        max: 1,
        callback: (_e, m) => resolve([m.headers?.get("X-Trace"), m.string(), m.subject]),
      });
    });
    await nc.flush();
    c.publish("hdr.out", "payload", { headers: [["X-Trace", "abc"]] });
    assert.deepEqual(await toClient, ["abc", "payload", "hdr.out"]);
    const hd = headers();
    hd.set("X-Client", "v3");
    nc.publish("hdr.in", "body", { headers: hd });
    await nc.flush();
    await waitFor(() => fromClient.length === 1, 2000, "client message");
    assert.equal(fromClient[0].header("X-Client"), "v3");
    assert.equal(fromClient[0].string(), "body");
    assert.equal(fromClient[0].headers?.status, 0);
    c.close();
  } finally {
    await nc.close();
  }
});

Deno.test("request/reply: an internal request answered by a client, and a client request answered internally", async () => {
  await using h = await start();
  const nc = await client(h);
  try {
    nc.subscribe("svc.client", {
      callback: (_e, m) => {
        const hd = headers();
        hd.set("Answered", m.headers?.get("Ask") ?? "none");
        m.respond(`re:${m.string()}`, { headers: hd });
      },
    });
    await nc.flush();
    const c = open(h.server);
    const reply = await c.request("svc.client", "ping", {
      timeoutMs: 2000,
      headers: { Ask: "yes" },
    });
    assert.deepEqual([reply.string(), reply.header("Answered")], ["re:ping", "yes"]);
    c.subscribe("svc.internal", (m) => void m.respond(m.string().toUpperCase()));
    const r2 = await nc.request("svc.internal", "quiet", { timeout: 2000 });
    assert.equal(r2.string(), "QUIET");
    c.close();
  } finally {
    await nc.close();
  }
});

Deno.test("a request times out when the responder stays silent, and fails fast with no responders", async () => {
  await using h = await start();
  const silent = open(h.server);
  silent.subscribe("svc.silent", () => {});
  const c = open(h.server);
  const t0 = Date.now();
  const timeout = await c.request("svc.silent", "x", { timeoutMs: 150 }).catch((e) => e);
  assert.ok(timeout instanceof RequestError);
  assert.equal(timeout.code, RequestErrorCode.Timeout);
  assert.ok(Date.now() - t0 >= 140, "waited for the timeout");
  const none = await c.request("svc.nobody", "x", { timeoutMs: 5000 }).catch((e) => e);
  assert.equal((none as RequestError).code, RequestErrorCode.NoResponders);
  let late: InternalMsg | null = null;
  c.subscribe("svc.late", (m) => void (late = m));
  silent.publish("svc.late", "x", { reply: "nobody.listens" });
  await waitFor(() => late !== null, 2000, "the late request");
  const pending = c.request("svc.silent", "x", { timeoutMs: 5000 });
  c.close();
  assert.equal(((await pending.catch((e) => e)) as RequestError).code, RequestErrorCode.Closed);
  assert.throws(() => c.publish("svc.silent", "x"), /closed/);
  assert.equal(late!.respond("too late"), false, "no reply from a closed connection");
  silent.close();
});

Deno.test("a handler that throws is reported and later messages still arrive", async () => {
  await using h = await start();
  const errors: string[] = [];
  const c = new InternalConnection(h.server, h.server.account()!, {
    onError: (err, m) => void errors.push(`${m.subject}: ${(err as Error).message}`),
  });
  const ok: string[] = [];
  c.subscribe("boom", (m) => {
    if (m.string() === "bad") throw new Error("no");
    ok.push(m.string());
  });
  const pub = open(h.server);
  pub.publish("boom", "bad");
  pub.publish("boom", "good");
  await waitFor(() => ok.length === 1, 2000, "the good message");
  assert.deepEqual(errors, ["boom: no"]);
  c.close();
  pub.close();
});

/**
 * @module
 * Account isolation matrix, run against denats and (when installed) nats-server with the same
 * cases. Accounts A and B share nothing; C imports A's `feed.>` stream under the prefix
 * `froma` and A's `svc.echo` service as `echo`; the default system account `$SYS` exists.
 * Every way B (or C, beyond its imports) might see A's traffic is tried and must fail.
 * Absence is asserted with PING/PONG barriers, after a positive control where the server
 * delivers asynchronously (system requests). Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import { type ConfTarget, confTargets, type Target } from "../auth/_servers.ts";

const CONF = `accounts {
  A: {
    users: [{user: a, password: a}, {user: a2, password: a2}]
    exports: [{stream: "feed.>"}, {service: "svc.echo"}]
  }
  B: {
    users: [{user: b, password: b}]
  }
  C: {
    users: [{user: c, password: c}]
    imports: [
      {stream: {account: A, subject: "feed.>"}, prefix: "froma"}
      {service: {account: A, subject: "svc.echo"}, to: "echo"}
    ]
  }
}
`;

const A = { user: "a", pass: "a" };
const A2 = { user: "a2", pass: "a2" };
const B = { user: "b", pass: "b" };
const C = { user: "c", pass: "c" };

interface World {
  t: Target;
  open(who: Record<string, unknown>): Promise<RawClient>;
}

function isolationCase(target: ConfTarget, name: string, fn: (w: World) => Promise<void>): void {
  Deno.test(`${target.name}: ${name}`, async () => {
    await using t = await target.start(CONF);
    const clients: RawClient[] = [];
    try {
      await fn({
        t,
        open: async (who) => {
          const c = await RawClient.open(t, who);
          clients.push(c);
          return c;
        },
      });
    } finally {
      for (const c of clients) await c.close();
    }
  });
}

/** Subscribes (with a barrier) so later publishes from other connections are matched. */
async function subscribe(c: RawClient, frames: string): Promise<void> {
  await c.send(frames);
  await c.flush();
}

/** Two A connections complete a request/reply on an `_INBOX.` subject. */
async function requestInsideA(w: World): Promise<void> {
  const responder = await w.open(A2);
  await subscribe(responder, sub("rpc.add", 1));
  const requester = await w.open(A);
  await subscribe(requester, sub("_INBOX.a1.*", 7));
  await requester.send(pub("rpc.add", "1+1", "_INBOX.a1.r1"));
  const req = await responder.expectMsg();
  assert.equal(req.reply, "_INBOX.a1.r1");
  await responder.send(pub(req.reply!, "2"));
  const reply = await requester.expectMsg();
  assert.equal(reply.subject, "_INBOX.a1.r1");
  assert.equal(reply.payload, "2");
}

for (const target of confTargets()) {
  isolationCase(target, "a B subscriber on A's exact subject receives nothing", async (w) => {
    const b = await w.open(B);
    await subscribe(b, sub("orders.new", 1));
    const a = await w.open(A);
    await subscribe(a, sub("orders.new", 1));
    await a.send(pub("orders.new", "secret"));
    assert.equal((await a.expectMsg()).payload, "secret");
    await b.expectNothing();
  });

  isolationCase(target, "B subscribers on '*' wildcards receive nothing of A", async (w) => {
    const b = await w.open(B);
    await subscribe(b, sub("orders.*", 1) + sub("*.new", 2) + sub("*.*", 3) + sub("*", 4));
    const a = await w.open(A);
    await a.send(pub("orders.new", "x") + pub("top", "y"));
    await a.flush();
    await b.expectNothing();
  });

  isolationCase(target, "a B subscriber on '>' receives nothing of A", async (w) => {
    const b = await w.open(B);
    await subscribe(b, sub(">", 1));
    const a = await w.open(A);
    await a.send(pub("orders.new", "x") + pub("a.b.c.d", "y") + pub("feed.1", "z"));
    await a.flush();
    await b.expectNothing();
  });

  isolationCase(
    target,
    "a B queue group named like A's never takes A's messages, and the reverse",
    async (w) => {
      const a = await w.open(A);
      await subscribe(a, sub("work", 1, "workers"));
      const b = await w.open(B);
      await subscribe(b, sub("work", 1, "workers"));
      const n = 20;
      let frames = "";
      for (let i = 0; i < n; i++) frames += pub("work", `a${i}`);
      const pa = await w.open(A2);
      await pa.send(frames);
      for (let i = 0; i < n; i++) assert.equal((await a.expectMsg()).payload, `a${i}`);
      await b.expectNothing();
      frames = "";
      for (let i = 0; i < n; i++) frames += pub("work", `b${i}`);
      await b.send(frames);
      for (let i = 0; i < n; i++) assert.equal((await b.expectMsg()).payload, `b${i}`);
      await a.expectNothing();
    },
  );

  isolationCase(
    target,
    "request/reply inside A is invisible to B subscribers on inboxes and '>'",
    async (w) => {
      const b = await w.open(B);
      await subscribe(b, sub("_INBOX.>", 1) + sub(">", 2) + sub("rpc.add", 3));
      await requestInsideA(w);
      await b.expectNothing();
    },
  );

  isolationCase(target, "B publishing on A's reply inbox does not reach A", async (w) => {
    const a = await w.open(A);
    await subscribe(a, sub("_INBOX.a1.*", 7));
    const b = await w.open(B);
    await b.send(pub("_INBOX.a1.r1", "forged"));
    await b.flush();
    await a.expectNothing();
  });

  isolationCase(target, "B publishing on subjects A listens to does not reach A", async (w) => {
    const a = await w.open(A);
    await subscribe(a, sub("orders.new", 1) + sub(">", 2) + sub("feed.>", 3));
    const b = await w.open(B);
    await b.send(pub("orders.new", "x") + pub("feed.1", "y") + pub("svc.echo", "z", "b.r"));
    await b.flush();
    await a.expectNothing();
  });

  isolationCase(
    target,
    "B subscribed to '$SYS.>' sees no events of other accounts' connections",
    async (w) => {
      const b = await w.open(B);
      await subscribe(b, sub("$SYS.>", 1));
      const a = await w.open(A);
      await a.close();
      const c = await w.open(C);
      await c.send(pub("$SYS.ACCOUNT.A.CONNECT", "forged"));
      await c.flush();
      // A positive control through the system account: once its answer is back, any
      // connect/disconnect event queued before it would have been delivered too.
      const control = await w.open(A2);
      await subscribe(control, sub("_INBOX.a.*", 1));
      await control.send(pub("$SYS.REQ.ACCOUNT.PING.CONNZ", "", "_INBOX.a.1"));
      assert.equal((await control.expectMsg(5000)).subject, "_INBOX.a.1");
      await b.expectNothing();
    },
  );

  isolationCase(
    target,
    "the automatic '$SYS.REQ.ACCOUNT.PING.CONNZ' import answers with the caller's account only",
    async (w) => {
      const b = await w.open({ ...B, name: "b-conn" });
      const c = await w.open({ ...C, name: "c-conn" });
      const a = await w.open({ ...A, name: "a-conn" });
      await subscribe(a, sub("_INBOX.a.*", 1));
      await a.send(pub("$SYS.REQ.ACCOUNT.PING.CONNZ", "", "_INBOX.a.1"));
      const reply = await a.expectMsg(5000);
      const body = JSON.parse(reply.payload);
      const names = (body.data?.connections ?? []).map((x: { name?: string }) => x.name);
      assert.ok(names.includes("a-conn"), reply.payload);
      assert.ok(!names.includes("b-conn") && !names.includes("c-conn"), reply.payload);
      await a.expectNothing();
      await b.expectNothing();
      await c.expectNothing();
    },
  );

  isolationCase(
    target,
    "a normal user's request to another account's '$SYS.REQ.ACCOUNT.<acc>' subject is unanswered",
    async (w) => {
      await w.open({ ...A, name: "a-conn" });
      const b = await w.open({ ...B, name: "b-conn" });
      await subscribe(b, sub("_INBOX.b.*", 1));
      await b.send(
        pub("$SYS.REQ.ACCOUNT.A.CONNZ", "", "_INBOX.b.forged") +
          pub("$SYS.REQ.SERVER.PING.STATZ", "", "_INBOX.b.statz") +
          pub("$SYS.REQ.ACCOUNT.PING.CONNZ", "", "_INBOX.b.own"),
      );
      // The allowed request for B's own account comes back; the other two never do.
      const reply = await b.expectMsg(5000);
      assert.equal(reply.subject, "_INBOX.b.own");
      const connections = JSON.parse(reply.payload).data?.connections ?? [];
      assert.deepEqual(connections.map((x: { name?: string }) => x.name), ["b-conn"]);
      await b.expectNothing();
    },
  );

  isolationCase(
    target,
    "A's requests to '$SYS.REQ.ACCOUNT.PING.CONNZ' are not seen by B subscribers",
    async (w) => {
      const b = await w.open(B);
      await subscribe(b, sub("$SYS.REQ.>", 1) + sub("_INBOX.>", 2));
      const a = await w.open(A);
      await subscribe(a, sub("_INBOX.a.*", 1));
      await a.send(pub("$SYS.REQ.ACCOUNT.PING.CONNZ", "", "_INBOX.a.1"));
      await a.expectMsg(5000);
      await b.expectNothing();
    },
  );

  isolationCase(
    target,
    "C receives exactly the imported stream, under its prefix, and nothing else of A",
    async (w) => {
      const c = await w.open(C);
      await subscribe(c, sub(">", 1));
      const a = await w.open(A);
      await a.send(
        pub("private.x", "no") + pub("feed.today", "yes") + pub("feedx", "no") +
          pub("orders.new", "no"),
      );
      await a.flush();
      const m = await c.expectMsg();
      assert.equal(m.subject, "froma.feed.today");
      assert.equal(m.payload, "yes");
      await c.expectNothing();
    },
  );

  isolationCase(
    target,
    "C subscribers on the unprefixed exported subject receive nothing",
    async (w) => {
      const c = await w.open(C);
      await subscribe(c, sub("feed.>", 1) + sub("feed.today", 2));
      const a = await w.open(A);
      await a.send(pub("feed.today", "x"));
      await a.flush();
      await c.expectNothing();
    },
  );

  isolationCase(
    target,
    "B, which imports nothing, receives A's exported stream under no name",
    async (w) => {
      const b = await w.open(B);
      await subscribe(b, sub("froma.>", 1) + sub("feed.>", 2));
      const a = await w.open(A);
      await a.send(pub("feed.today", "x"));
      await a.flush();
      await b.expectNothing();
    },
  );

  isolationCase(target, "a stream import is one-way: C's publishes never reach A", async (w) => {
    const a = await w.open(A);
    await subscribe(a, sub(">", 1));
    const c = await w.open(C);
    await c.send(pub("feed.today", "x") + pub("froma.feed.today", "y") + pub("private.x", "z"));
    await c.flush();
    await a.expectNothing();
  });

  isolationCase(
    target,
    "C calls the imported service and gets the exporter's reply back",
    async (w) => {
      const a = await w.open(A);
      await subscribe(a, sub("svc.echo", 1));
      const c = await w.open(C);
      await subscribe(c, sub("_INBOX.c.*", 9));
      await c.send(pub("echo", "ping", "_INBOX.c.1"));
      const req = await a.expectMsg();
      assert.equal(req.subject, "svc.echo");
      assert.ok(req.reply && req.reply !== "_INBOX.c.1", "the reply subject is remapped");
      await a.send(pub(req.reply!, "pong"));
      const reply = await c.expectMsg();
      assert.equal(reply.subject, "_INBOX.c.1");
      assert.equal(reply.payload, "pong");
      await c.expectNothing();
    },
  );

  isolationCase(
    target,
    "C cannot reach A's service under the exporter's name or A's other subjects",
    async (w) => {
      const a = await w.open(A);
      await subscribe(a, sub("svc.>", 1) + sub("private.>", 2));
      const c = await w.open(C);
      await c.send(
        pub("svc.echo", "x", "_INBOX.c.1") + pub("svc.secret", "y", "_INBOX.c.2") +
          pub("private.x", "z", "_INBOX.c.3") + pub("echo.more", "w", "_INBOX.c.4"),
      );
      await c.flush();
      await a.expectNothing();
    },
  );

  isolationCase(
    target,
    "B neither sees C's service request or its response nor can forge the response",
    async (w) => {
      const b = await w.open(B);
      await subscribe(b, sub(">", 1));
      const a = await w.open(A);
      await subscribe(a, sub("svc.echo", 1));
      const c = await w.open(C);
      await subscribe(c, sub("_INBOX.c.*", 9));
      await c.send(pub("echo", "ping", "_INBOX.c.1"));
      const req = await a.expectMsg();
      // B publishes on the remapped reply subject before A answers: C must not get it.
      await b.send(pub(req.reply!, "forged"));
      await b.flush();
      await a.send(pub(req.reply!, "pong"));
      const reply = await c.expectMsg();
      assert.equal(reply.payload, "pong");
      await c.expectNothing();
      await b.expectNothing();
    },
  );

  isolationCase(
    target,
    "an A subscriber on C's import names sees nothing C does with them",
    async (w) => {
      const a = await w.open(A);
      await subscribe(a, sub("froma.>", 1) + sub("echo", 2) + sub("_INBOX.>", 3));
      const c = await w.open(C);
      await c.send(pub("froma.feed.x", "x") + pub("_INBOX.c.1", "y"));
      await c.flush();
      await a.expectNothing();
    },
  );
}

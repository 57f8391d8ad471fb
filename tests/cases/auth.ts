/**
 * @module
 * Conformance cases for client authentication (user/password, bcrypt, token, users list,
 * no_auth_user, auth_timeout) and authorization (publish/subscribe allow/deny, queue
 * permissions, allow_responses). Mirrors nats-server 2.9.10 `auth.go`, `parser.go` (OP_START
 * auth check) and `client.go` (authViolation, pubPermissionViolation, subPermissionViolation).
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import type { Suite } from "../helpers/cases.ts";
import { RawClient } from "../helpers/raw_client.ts";
import type { Target } from "../helpers/target.ts";
import { pub, sub } from "../helpers/frames.ts";

const AUTH_VIOLATION = "-ERR 'Authorization Violation'\r\n";

/** Sends CONNECT with `opts` and returns what arrived before the server closed. */
async function refused(t: Target, opts: Record<string, unknown>): Promise<string> {
  await using c = await RawClient.dial(t);
  await c.readInfo();
  await c.connect(opts);
  return await c.expectClosed();
}

const PERMISSION_USERS = [
  {
    user: "limited",
    password: "pw",
    permissions: {
      publish: { allow: ["pub.>", "both.>"], deny: ["pub.secret"] },
      subscribe: { allow: ["sub.>", "both.>", "jobs v1"], deny: ["sub.secret"] },
    },
  },
  { user: "admin", password: "pw" },
];

/** Authentication and authorization cases. */
export const authCases: Suite = (start) => [
  {
    name: "user and password in CONNECT authenticate; a wrong or missing one is refused and closed",
    fn: async () => {
      await using t = await start({ username: "alice", password: "s3cret" });
      await using ok = await RawClient.open(t, { user: "alice", pass: "s3cret" });
      await ok.send(sub("foo", 1) + pub("foo", "hi"));
      assert.equal((await ok.expectMsg()).payload, "hi");
      assert.equal(await refused(t, { user: "alice", pass: "wrong" }), AUTH_VIOLATION);
      assert.equal(await refused(t, { user: "bob", pass: "s3cret" }), AUTH_VIOLATION);
      assert.equal(await refused(t, {}), AUTH_VIOLATION);
      assert.equal(await refused(t, { auth_token: "s3cret" }), AUTH_VIOLATION);
    },
  },
  {
    name: "a bcrypt-hashed password in the configuration accepts the plain password",
    fn: async () => {
      const hash = bcrypt.hashSync("plain-pw", 4);
      await using t = await start({ username: "alice", password: hash });
      await using ok = await RawClient.open(t, { user: "alice", pass: "plain-pw" });
      await ok.expectNothing();
      assert.equal(await refused(t, { user: "alice", pass: hash }), AUTH_VIOLATION);
      assert.equal(await refused(t, { user: "alice", pass: "other" }), AUTH_VIOLATION);
    },
  },
  {
    name: "a token in CONNECT authenticates; a wrong token or user/pass is refused",
    fn: async () => {
      await using t = await start({ authorizationToken: "tok3n" });
      await using ok = await RawClient.open(t, { auth_token: "tok3n", verbose: true });
      await ok.expectNothing();
      assert.equal(await refused(t, { auth_token: "nope" }), AUTH_VIOLATION);
      assert.equal(await refused(t, { user: "tok3n" }), AUTH_VIOLATION);
      assert.equal(await refused(t, { user: "x", pass: "tok3n" }), AUTH_VIOLATION);
    },
  },
  {
    name: "with auth on, any operation before CONNECT is refused with Authorization Violation",
    fn: async () => {
      await using t = await start({ authorizationToken: "tok3n" });
      for (const input of ["PING\r\n", sub("foo", 1), pub("foo", "x"), "GARBAGE\r\n"]) {
        await using c = await RawClient.dial(t);
        await c.readInfo();
        await c.send(input);
        assert.equal(await c.expectClosed(), AUTH_VIOLATION, JSON.stringify(input));
      }
    },
  },
  {
    name: "the auth check runs before the protocol and no_responders checks of CONNECT",
    fn: async () => {
      await using t = await start({ authorizationToken: "tok3n" });
      assert.equal(await refused(t, { protocol: 5 }), AUTH_VIOLATION);
      assert.equal(await refused(t, { no_responders: true }), AUTH_VIOLATION);
      assert.equal(
        await refused(t, { auth_token: "tok3n", protocol: 5 }),
        "-ERR 'invalid client protocol'\r\n",
      );
    },
  },
  {
    name:
      "a connection without CONNECT within auth_timeout gets Authentication Timeout and is closed",
    fn: async () => {
      await using t = await start({ authorizationToken: "tok3n", authTimeout: 0.2 });
      await using authed = await RawClient.open(t, { auth_token: "tok3n" });
      await using idle = await RawClient.dial(t);
      await idle.readInfo();
      const started = Date.now();
      assert.equal(await idle.expectClosed(3000), "-ERR 'Authentication Timeout'\r\n");
      assert.ok(Date.now() - started >= 100, "not before the timeout");
      await authed.expectNothing();
    },
  },
  {
    name: "each user of a users list authenticates with its own password",
    fn: async () => {
      await using t = await start({
        users: [{ user: "a", password: "pa" }, { user: "b", password: "pb" }],
      });
      await using a = await RawClient.open(t, { user: "a", pass: "pa" });
      await using b = await RawClient.open(t, { user: "b", pass: "pb" });
      await a.expectNothing();
      await b.expectNothing();
      assert.equal(await refused(t, { user: "a", pass: "pb" }), AUTH_VIOLATION);
    },
  },
  {
    name:
      "a denied publish gets Permissions Violation for Publish, is dropped, and the connection stays",
    fn: async () => {
      await using t = await start({ users: PERMISSION_USERS });
      await using admin = await RawClient.open(t, { user: "admin", pass: "pw" });
      await admin.send(sub(">", 1));
      await admin.flush();
      await using c = await RawClient.open(t, { user: "limited", pass: "pw" });
      await c.send(pub("pub.secret", "no") + pub("other", "no") + pub("pub.ok", "yes"));
      await c.expect(/^-ERR 'Permissions Violation for Publish to "pub\.secret"'\r\n/);
      await c.expect(/^-ERR 'Permissions Violation for Publish to "other"'\r\n/);
      await c.expectNothing();
      assert.equal((await admin.expectMsg()).subject, "pub.ok");
      await admin.expectNothing();
    },
  },
  {
    name: "a denied subscription gets Permissions Violation for Subscription and is not created",
    fn: async () => {
      await using t = await start({ users: PERMISSION_USERS });
      await using c = await RawClient.open(t, { user: "limited", pass: "pw" });
      await c.send(sub("sub.secret", 1) + sub("elsewhere", 2) + sub("sub.*", 3));
      await c.expect(/^-ERR 'Permissions Violation for Subscription to "sub\.secret"'\r\n/);
      await c.expect(/^-ERR 'Permissions Violation for Subscription to "elsewhere"'\r\n/);
      await c.expectNothing();
      await using admin = await RawClient.open(t, { user: "admin", pass: "pw" });
      await admin.send(pub("elsewhere", "x") + pub("sub.ok", "y"));
      await admin.expectNothing();
      assert.deepEqual(await c.expectMsg(), {
        op: "MSG",
        subject: "sub.ok",
        sid: "3",
        payload: "y",
      });
      await c.expectNothing();
    },
  },
  {
    name: "a wildcard subscription allowed by permissions does not deliver denied subjects",
    fn: async () => {
      await using t = await start({ users: PERMISSION_USERS });
      await using c = await RawClient.open(t, { user: "limited", pass: "pw" });
      await c.send(sub("sub.*", 1));
      await c.expectNothing();
      await using admin = await RawClient.open(t, { user: "admin", pass: "pw" });
      await admin.send(pub("sub.secret", "hidden") + pub("sub.open", "shown"));
      await admin.expectNothing();
      assert.equal((await c.expectMsg()).subject, "sub.open");
      await c.expectNothing();
    },
  },
  {
    name: "a subject-queue permission allows only that queue and names the queue in the violation",
    fn: async () => {
      await using t = await start({ users: PERMISSION_USERS });
      await using c = await RawClient.open(t, { user: "limited", pass: "pw" });
      await c.send(sub("jobs", 1, "v1"));
      await c.expectNothing();
      await c.send(sub("jobs", 2, "v2"));
      await c.expect(
        /^-ERR 'Permissions Violation for Subscription to "jobs" using queue "v2"'\r\n/,
      );
      await c.send(sub("jobs", 3));
      await c.expect(/^-ERR 'Permissions Violation for Subscription to "jobs"'\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "permission violations quote the subject the way Go's %q does",
    fn: async () => {
      await using t = await start({ users: PERMISSION_USERS });
      await using c = await RawClient.open(t, { user: "limited", pass: "pw" });
      await c.send(pub('say"hi\\', "x"));
      await c.expect(/^-ERR 'Permissions Violation for Publish to "say\\"hi\\\\"'\r\n/);
      await c.expectNothing();
    },
  },
  {
    name: "verbose mode sends the permission violation instead of +OK for a denied publish",
    fn: async () => {
      await using t = await start({ users: PERMISSION_USERS });
      await using c = await RawClient.open(t, { user: "limited", pass: "pw", verbose: true });
      await c.send(pub("other", "x"));
      await c.expect(/^-ERR 'Permissions Violation for Publish to "other"'\r\n/);
      await c.send(sub("other", 1));
      await c.expect(/^-ERR 'Permissions Violation for Subscription to "other"'\r\n/);
      await c.send("PING\r\n");
      await c.expect(/^PONG\r\n$/);
    },
  },
  {
    name: "allow_responses lets a user answer a request it received, only up to max replies",
    fn: async () => {
      await using t = await start({
        users: [
          {
            user: "svc",
            password: "pw",
            permissions: {
              publish: { allow: ["nothing"] },
              subscribe: { allow: ["requests"] },
              response: { maxMsgs: 1, expiresMs: 60_000 },
            },
          },
          { user: "client", password: "pw" },
        ],
      });
      await using svc = await RawClient.open(t, { user: "svc", pass: "pw" });
      await using client = await RawClient.open(t, { user: "client", pass: "pw" });
      await svc.send(sub("requests", 1));
      await svc.flush();
      await svc.send(pub("_INBOX.early", "x"));
      await svc.expect(/^-ERR 'Permissions Violation for Publish to "_INBOX\.early"'\r\n/);
      await client.send(sub("_INBOX.r1", 1) + pub("requests", "q", "_INBOX.r1"));
      const req = await svc.expectMsg();
      assert.equal(req.reply, "_INBOX.r1");
      await svc.send(pub("_INBOX.r1", "answer"));
      await svc.expectNothing();
      assert.equal((await client.expectMsg()).payload, "answer");
      await svc.send(pub("_INBOX.r1", "again"));
      await svc.expect(/^-ERR 'Permissions Violation for Publish to "_INBOX\.r1"'\r\n/);
      await client.expectNothing();
    },
  },
  {
    name: "no_auth_user binds a connection without credentials to that user and its permissions",
    fn: async () => {
      await using t = await start({
        users: [
          { user: "anon", password: "x", permissions: { publish: { allow: ["public.>"] } } },
          { user: "admin", password: "y" },
        ],
        noAuthUser: "anon",
      });
      await using admin = await RawClient.open(t, { user: "admin", pass: "y" });
      await admin.send(sub(">", 1));
      await admin.flush();
      await using anon = await RawClient.open(t);
      await anon.send(pub("public.news", "ok") + pub("private", "no"));
      await anon.expect(/^-ERR 'Permissions Violation for Publish to "private"'\r\n/);
      assert.equal((await admin.expectMsg()).subject, "public.news");
      await admin.expectNothing();
      assert.equal(await refused(t, { user: "admin", pass: "wrong" }), AUTH_VIOLATION);
    },
  },
  {
    name: "with no_auth_user, operations before CONNECT are allowed as that user",
    fn: async () => {
      await using t = await start({
        users: [{ user: "anon", password: "x", permissions: { publish: { allow: ["ok"] } } }],
        noAuthUser: "anon",
      });
      await using c = await RawClient.dial(t);
      const info = await c.readInfo();
      assert.equal(info.auth_required, undefined, "no_auth_user hides auth_required");
      await c.send(sub("ok", 1) + pub("ok", "a") + pub("no", "b") + "PING\r\n");
      await c.expect(
        /^\+OK\r\n\+OK\r\nMSG ok 1 1\r\na\r\n-ERR 'Permissions Violation for Publish to "no"'\r\nPONG\r\n$/,
      );
    },
  },
];

/**
 * @module
 * Unit tests of the system event JSON builders: nats-server's member order and omit-when-empty
 * rules, the two error forms of `ServerAPIResponse`, and NUID event ids.
 */
import assert from "node:assert/strict";
import {
  apiResponse,
  clientInfo,
  type ClientView,
  Nuid,
  type ServerIdentity,
  serverInfo,
  systemHash,
} from "./events.ts";

const WHO: ServerIdentity = {
  name: "n",
  host: "0.0.0.0",
  id: "NID",
  version: "2.9.10",
  jetstream: false,
};

const CLIENT: ClientView = {
  cid: 5,
  host: "127.0.0.1",
  startedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  account: { name: "A" },
  rawAuthUser: "",
  opts: { name: "", lang: "go", version: "" },
  rttMs: 1.25,
  inMsgs: 0,
  inBytes: 0,
  outMsgs: 0,
  outBytes: 0,
};

Deno.test("the server block omits an empty cluster and tags and keeps Go's member order", () => {
  const si = serverInfo(WHO, 7, Date.UTC(2026, 0, 1));
  assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(si))), [
    "name",
    "host",
    "id",
    "ver",
    "seq",
    "jetstream",
    "time",
  ]);
  const full = serverInfo({ ...WHO, cluster: "c", tags: ["t"] }, 8, 0);
  assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(full))), [
    "name",
    "host",
    "id",
    "cluster",
    "ver",
    "tags",
    "seq",
    "jetstream",
    "time",
  ]);
  assert.equal(full.time, "1970-01-01T00:00:00Z");
});

Deno.test("client info omits empty members; rtt and stop only on disconnect", () => {
  const connect = JSON.parse(JSON.stringify(clientInfo(CLIENT)));
  assert.deepEqual(connect, {
    start: "2026-01-02T03:04:05.006Z",
    host: "127.0.0.1",
    id: 5,
    acc: "A",
    lang: "go",
    kind: "Client",
    client_type: "nats",
  });
  const gone = clientInfo({ ...CLIENT, clientType: "websocket" }, Date.UTC(2026, 0, 3));
  assert.deepEqual([gone.rtt, gone.stop, gone.client_type], [
    1_250_000,
    "2026-01-03T00:00:00Z",
    "websocket",
  ]);
});

Deno.test("API responses omit data on 400 and carry data null on 500", () => {
  const si = serverInfo(WHO, 2, 0);
  assert.deepEqual(Object.keys(apiResponse(si, { a: 1 })), ["server", "data"]);
  assert.deepEqual(apiResponse(si, null, { code: 400, description: "bad" }), {
    server: si,
    error: { code: 400, description: "bad" },
  });
  assert.deepEqual(apiResponse(si, null, { code: 500, description: "x" }), {
    server: si,
    data: null,
    error: { code: 500, description: "x" },
  });
});

Deno.test("event ids are 22 base-62 characters with a shared prefix and growing tail", () => {
  const ids = new Nuid();
  const a = ids.next();
  const b = ids.next();
  assert.match(a, /^[0-9A-Za-z]{22}$/);
  assert.equal(a.slice(0, 12), b.slice(0, 12));
  assert.ok(a.slice(12) < b.slice(12));
  assert.notEqual(a, b);
  assert.match(systemHash("server"), /^[0-9A-Za-z]{8}$/);
  assert.notEqual(systemHash("a"), systemHash("b"));
});

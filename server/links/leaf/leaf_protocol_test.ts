/**
 * @module
 * Leafnode wire helpers: LS+/LS- lines and arguments, interest keys, INFO and CONNECT JSON in
 * nats-server's field order.
 */
import assert from "node:assert/strict";
import {
  jetStreamApiDenied,
  leafConnectJson,
  leafInfoJson,
  leafKey,
  leafSubLine,
  parseLeafConnect,
  parseLeafInfo,
  parseLeafSub,
  parseLeafUnsub,
} from "./leaf_protocol.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("LS+ carries a weight only for a queue key, LS- never", () => {
  assert.equal(dec.decode(leafSubLine("foo", 3)), "LS+ foo\r\n");
  assert.equal(dec.decode(leafSubLine("foo q", 3)), "LS+ foo q 3\r\n");
  assert.equal(dec.decode(leafSubLine("foo q", 0)), "LS- foo q\r\n");
  assert.equal(dec.decode(leafSubLine("foo", -1)), "LS- foo\r\n");
  assert.equal(leafKey("a.b", null), "a.b");
  assert.equal(leafKey("a.b", "g"), "a.b g");
});

Deno.test("LS+ arguments: plain, queue with weight, and nats-server's parse error", () => {
  assert.deepEqual(parseLeafSub(enc.encode("foo")), {
    subject: "foo",
    subjectBytes: undefined,
    queue: null,
    weight: 1,
    key: "foo",
  });
  const q = parseLeafSub(enc.encode("foo  bar\t7"));
  assert(typeof q !== "string");
  assert.deepEqual([q.subject, q.queue, q.weight, q.key], ["foo", "bar", 7, "foo bar"]);
  const bad = parseLeafSub(enc.encode("foo bar"));
  assert.equal(bad, "processLeafSub Parse Error: 'foo bar'");
  const badWeight = parseLeafSub(enc.encode("foo bar x"));
  assert(typeof badWeight !== "string" && badWeight.weight === -1);
  const opaque = parseLeafSub(new Uint8Array([0x66, 0xff]));
  assert(typeof opaque !== "string" && opaque.subjectBytes?.length === 2);
  assert.equal(parseLeafUnsub(enc.encode(" foo  bar ")), "foo bar");
});

Deno.test("a leafnode INFO keeps nats-server's field order and omits empty fields", () => {
  const json = leafInfoJson({
    server_id: "S",
    server_name: "hub",
    version: "2.9.10",
    go: "go1.19.4",
    host: "127.0.0.1",
    port: 7422,
    headers: true,
    auth_required: true,
    max_payload: 1048576,
    ip: "127.0.0.1:7422",
    client_id: 5,
    nonce: "n",
    cluster: "C",
    info_on_connect: true,
    connect_info: true,
    leafnode_urls: ["127.0.0.1:7422"],
    remote_account: "A",
  });
  assert.equal(
    json,
    '{"server_id":"S","server_name":"hub","version":"2.9.10","proto":1,"go":"go1.19.4",' +
      '"host":"127.0.0.1","port":7422,"headers":true,"auth_required":true,' +
      '"max_payload":1048576,"ip":"127.0.0.1:7422","client_id":5,"nonce":"n","cluster":"C",' +
      '"info_on_connect":true,"connect_info":true,"leafnode_urls":["127.0.0.1:7422"],' +
      '"remote_account":"A"}',
  );
  assert.equal(parseLeafInfo(json)?.remote_account, "A");
  assert.equal(parseLeafInfo("[1]"), null);
  assert.equal(parseLeafInfo("nope"), null);
});

Deno.test("a leafnode CONNECT keeps nats-server's field order (leafConnectInfo)", () => {
  const json = leafConnectJson({
    version: "2.9.10",
    user: "u",
    pass: "p",
    server_id: "S",
    name: "leaf",
    is_hub: true,
    cluster: "L",
    headers: true,
    deny_pub: ["secret.>"],
  });
  assert.equal(
    json,
    '{"version":"2.9.10","user":"u","pass":"p","tls_required":false,"server_id":"S",' +
      '"name":"leaf","is_hub":true,"cluster":"L","headers":true,"deny_pub":["secret.\\u003e"]}',
  );
  assert.equal(parseLeafConnect(json)?.is_hub, true);
  assert.equal(leafConnectJson({}), '{"tls_required":false}');
});

Deno.test("JetStream API traffic is denied across a link unless the domain extends", () => {
  assert.equal(jetStreamApiDenied({ localDomain: "", remoteDomain: "", jetStream: false }), true);
  assert.equal(jetStreamApiDenied({ localDomain: "a", remoteDomain: "b", jetStream: true }), true);
  assert.equal(jetStreamApiDenied({ localDomain: "a", remoteDomain: "a", jetStream: true }), false);
});

/**
 * @module
 * The gateway protocol of one denats server, driven with raw sockets: the INFO it sends on
 * accept (nats-server 2.9.10 fields), the refusals (client on the gateway port, bad gateway
 * credentials, unknown gateway with `reject_unknown_cluster`, wrong remote name), the inbound
 * side switching every account to interest-only (INFO gateway_cmd 2/3, RS+) and answering
 * `A-` for an unknown account, the outbound side's optimistic mode against a remote without
 * `gateway_iom` (RS-/A-/A+ stop and resume sends), and reply routing on `_GR_.` subjects.
 */
import assert from "node:assert/strict";
import { escapeRegExp, RawClient } from "../helpers/raw_client.ts";
import { gatewayHash } from "../../server/links/gateway/gateway_hash.ts";
import { DenatsNode, FakeGatewayPeer, freePort, nodeConfig, TempDir } from "./_gateway.ts";

/** A single denats server of gateway "A" with `block` inside `gateway {}`. */
async function serverA(dir: TempDir, block = ""): Promise<DenatsNode> {
  const c = nodeConfig("a1", "A");
  const conf = `server_name: a1\nlisten: "127.0.0.1:${c.port}"\n` +
    `gateway {\n  name: A\n  listen: "127.0.0.1:${c.gatewayPort}"\n${block}\n}\n`;
  return await DenatsNode.start(dir, c, conf);
}

const GW_INFO = /^INFO (\{[^\r\n]*\})\r\n/;

function gatewayAddress(n: DenatsNode) {
  return { host: "127.0.0.1", port: n.config.gatewayPort };
}

Deno.test("gateway port: INFO as nats-server sends it, a client is refused", async () => {
  await using dir = await TempDir.create();
  await using a = await serverA(dir);
  await using raw = await RawClient.dial(gatewayAddress(a));
  const info = JSON.parse((await raw.expect(GW_INFO))[1]);
  assert.deepEqual(Object.keys(info), [
    "server_id",
    "server_name",
    "version",
    "proto",
    "go",
    "host",
    "port",
    "headers",
    "max_payload",
    "gateway",
    "gateway_urls",
    "gateway_url",
    "gateway_nrp",
    "gateway_iom",
  ]);
  assert.equal(info.gateway, "A");
  assert.equal(info.proto, 0);
  assert.deepEqual(info.gateway_urls, [`127.0.0.1:${a.config.gatewayPort}`]);
  await raw.send('CONNECT {"verbose":false,"lang":"go"}\r\n');
  assert.equal(await raw.expectClosed(), "-ERR 'attempted to connect to gateway port'\r\n");
});

Deno.test("gateway port: wrong credentials and unknown gateways are refused", async () => {
  await using dir = await TempDir.create();
  await using a = await serverA(
    dir,
    `  authorization { user: gw, password: s3cret }\n  reject_unknown_cluster: true\n` +
      `  gateways: [{ name: B, url: "nats://127.0.0.1:${freePort()}" }]`,
  );
  {
    await using raw = await RawClient.dial(gatewayAddress(a));
    const info = JSON.parse((await raw.expect(GW_INFO))[1]);
    assert.equal(info.auth_required, true);
    await raw.send('CONNECT {"user":"gw","pass":"nope","gateway":"B"}\r\n');
    assert.equal(await raw.expectClosed(), "-ERR 'Authorization Violation'\r\n");
  }
  {
    await using raw = await RawClient.dial(gatewayAddress(a));
    await raw.expect(GW_INFO);
    await raw.send('CONNECT {"user":"gw","pass":"s3cret","gateway":"Z"}\r\n');
    assert.equal(await raw.expectClosed(), `-ERR 'Connection to gateway "A" rejected'\r\n`);
  }
});

Deno.test("inbound gateway: interest-only at once, RS+ for interest, A- for unknown accounts", async () => {
  await using dir = await TempDir.create();
  await using a = await serverA(dir);
  await using sub = await RawClient.open({ host: "127.0.0.1", port: a.config.port });
  await sub.send("SUB pre.existing 1\r\nSUB work.* workers 2\r\n");
  await sub.flush();
  await using gw = await RawClient.dial(gatewayAddress(a));
  await gw.expect(GW_INFO);
  await gw.send(
    'CONNECT {"echo":false,"verbose":false,"pedantic":false,"tls_required":false,' +
      '"headers":false,"name":"NFAKE","cluster":"","gateway":"B"}\r\n' +
      'INFO {"server_id":"NFAKE","server_name":"b1","gateway":"B","gateway_nrp":true,' +
      '"gateway_iom":true,"headers":true}\r\n',
  );
  // Queue interest first (sendQueueSubsToGateway), then the switch of $G.
  await gw.expect(/RS\+ \$G work\.\* workers 1\r\n/);
  await gw.expect(/"gateway":"A","gateway_cmd":2,"gateway_cmd_payload":"JEc="\}\r\n/);
  await gw.expect(/RS\+ \$G pre\.existing\r\n/);
  await gw.expect(/"gateway":"A","gateway_cmd":3,"gateway_cmd_payload":"JEc="\}\r\n/);
  // Interest-only: new plain interest is announced, and withdrawn.
  await sub.send("SUB later.one 3\r\n");
  await sub.flush();
  await gw.expect(/RS\+ \$G later\.one\r\n/);
  await sub.send("UNSUB 3\r\n");
  await sub.flush();
  await gw.expect(/RS- \$G later\.one\r\n/);
  // A message for an account this server does not know: A- once.
  await gw.send("RMSG NOPE foo 2\r\nhi\r\nRMSG NOPE foo 2\r\nhi\r\n");
  await gw.expect(/A- NOPE\r\n/);
  // A message with interest is delivered; a queue message to the group it names.
  await gw.send("RMSG $G pre.existing 5\r\nhello\r\nRMSG $G work.x | workers 3\r\njob\r\n");
  const m1 = await sub.expectMsg();
  assert.equal(m1.payload, "hello");
  const m2 = await sub.expectMsg();
  assert.deepEqual([m2.subject, m2.sid, m2.payload], ["work.x", "2", "job"]);
  const rest = await gw.flush();
  assert.equal(rest.includes("A- NOPE"), false, "A- is sent once");
});

Deno.test("outbound gateway: optimistic mode follows RS-, A- and A+ of a remote without gateway_iom", async () => {
  await using dir = await TempDir.create();
  await using peer = new FakeGatewayPeer();
  const c = nodeConfig("a1", "A");
  const conf = `server_name: a1\nlisten: "127.0.0.1:${c.port}"\ngateway {\n  name: A\n` +
    `  listen: "127.0.0.1:${c.gatewayPort}"\n` +
    `  gateways: [{ name: B, url: "nats://127.0.0.1:${peer.port}" }]\n}\n`;
  await using a = await DenatsNode.start(dir, c, conf);
  await peer.accept();
  await peer.send(
    'INFO {"server_id":"NFAKE","server_name":"b1","version":"2.9.10","proto":0,"go":"",' +
      '"host":"127.0.0.1","port":1,"headers":true,"max_payload":1048576,"gateway":"B",' +
      '"gateway_nrp":true}\r\n',
  );
  await peer.expect(/^CONNECT \{[^\r\n]*"gateway":"A"\}\r\n/);
  await peer.expect(/^INFO \{[^\r\n]*"gateway":"A"[^\r\n]*\}\r\n/);
  await using pub = await RawClient.open({ host: "127.0.0.1", port: a.config.port });
  // Optimistic: sent without any interest known.
  await pub.send("PUB x.one 1\r\n1\r\n");
  await pub.flush();
  await peer.expect(/RMSG \$G x\.one 1\r\n1\r\n/);
  // RS- for the subject stops it; other subjects still go.
  await peer.send("RS- $G x.one\r\n");
  await peer.send("PING\r\n");
  await peer.expect(/PONG\r\n/);
  await pub.send("PUB x.one 1\r\n2\r\nPUB x.two 1\r\n3\r\n");
  await pub.flush();
  await peer.expect(/RMSG \$G x\.two 1\r\n3\r\n/);
  assert.equal(peer.take().includes("x.one"), false);
  // A- stops the whole account, A+ resumes it.
  await peer.send("A- $G\r\nPING\r\n");
  await peer.expect(/PONG\r\n/);
  await pub.send("PUB x.three 1\r\n4\r\n");
  await pub.flush();
  await peer.send("A+ $G\r\nPING\r\n");
  await peer.expect(/PONG\r\n/);
  await pub.send("PUB x.four 1\r\n5\r\n");
  await pub.flush();
  const m = await peer.expect(/RMSG \$G (x\.\w+) 1\r\n/);
  assert.equal(m[1], "x.four");
});

Deno.test("outbound gateway: a remote with another gateway name is refused with nats-server's text", async () => {
  await using dir = await TempDir.create();
  await using peer = new FakeGatewayPeer();
  const c = nodeConfig("a1", "A");
  const conf = `server_name: a1\nlisten: "127.0.0.1:${c.port}"\ngateway {\n  name: A\n` +
    `  listen: "127.0.0.1:${c.gatewayPort}"\n` +
    `  gateways: [{ name: B, url: "nats://127.0.0.1:${peer.port}" }]\n}\n`;
  await using _a = await DenatsNode.start(dir, c, conf);
  await peer.accept();
  await peer.send('INFO {"server_id":"NFAKE","gateway":"C","gateway_nrp":true}\r\n');
  await peer.expect(
    /-ERR 'Connection from "A" rejected, wanted to connect to "B", this is "C"'\r\n/,
  );
});

Deno.test("reply routing: `_GR_.` replies reach clients without the prefix and answers go back by hash", async () => {
  await using dir = await TempDir.create();
  await using peer = new FakeGatewayPeer();
  const c = nodeConfig("a1", "A");
  const conf = `server_name: a1\nlisten: "127.0.0.1:${c.port}"\ngateway {\n  name: A\n` +
    `  listen: "127.0.0.1:${c.gatewayPort}"\n` +
    `  gateways: [{ name: B, url: "nats://127.0.0.1:${peer.port}" }]\n}\n`;
  await using a = await DenatsNode.start(dir, c, conf);
  // A's outbound to the fake B, which switches to interest-only with no interest at all.
  await peer.accept();
  await peer.send(
    'INFO {"server_id":"NFAKEB","server_name":"b1","gateway":"B","gateway_nrp":true,' +
      '"gateway_iom":true,"headers":true}\r\n',
  );
  const connect = await peer.expect(/^CONNECT (\{[^\r\n]*\})\r\n/);
  const serverId = JSON.parse(connect[1]).name as string;
  await peer.expect(/^INFO \{[^\r\n]*\}\r\n/);
  // The fake B's inbound link into A, where its requests arrive.
  await using inb = await RawClient.dial(gatewayAddress(a));
  await inb.expect(GW_INFO);
  await inb.send(
    'CONNECT {"name":"NFAKEB","gateway":"B"}\r\n' +
      'INFO {"server_id":"NFAKEB","gateway":"B","gateway_nrp":true,"gateway_iom":true}\r\n',
  );
  await using svc = await RawClient.open({ host: "127.0.0.1", port: a.config.port });
  await svc.send("SUB svc 1\r\n");
  await svc.flush();
  await inb.expect(/RS\+ \$G svc\r\n/);
  const routed = `_GR_.${gatewayHash("B")}.${gatewayHash("NFAKEB")}.inbox.7`;
  await inb.send(`RMSG $G svc ${routed} 3\r\nreq\r\n`);
  const m = await svc.expectMsg();
  assert.equal(m.reply, "inbox.7", "the client sees the plain reply");
  // The answer goes to B on the routed subject, though B never showed interest in it.
  await svc.send("PUB inbox.7 3\r\nans\r\n");
  await svc.flush();
  await peer.expect(new RegExp(`RMSG \\$G ${escapeRegExp(routed)} 3\r\nans\r\n`));
  // A request from a client here, on a fresh inbox, goes out with A's routed reply.
  await peer.send(
    'INFO {"server_id":"","gateway":"B","gateway_cmd":2,"gateway_cmd_payload":"JEc="}\r\n' +
      "RS+ $G work\r\n" +
      'INFO {"server_id":"","gateway":"B","gateway_cmd":3,"gateway_cmd_payload":"JEc="}\r\n' +
      "PING\r\n",
  );
  await peer.expect(/PONG\r\n/);
  await svc.send("SUB my.inbox.1 2\r\nPUB work my.inbox.1 1\r\nx\r\n");
  await svc.flush();
  const prefix = `_GR_.${gatewayHash("A")}.${gatewayHash(serverId)}.`;
  await peer.expect(new RegExp(`RMSG \\$G work ${escapeRegExp(prefix)}my\\.inbox\\.1 1\r\nx\r\n`));
});

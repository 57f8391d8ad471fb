/**
 * @module
 * Gateway handshake documents: INFO field order as nats-server 2.9.10 writes it, the
 * interest-only commands with a base64 account, gossip INFOs and the CONNECT.
 */
import assert from "node:assert/strict";
import {
  GatewayCmd,
  gatewayCmdAccount,
  gatewayCmdInfoJson,
  gatewayConnectJson,
  gatewayGossipInfoJson,
  gatewayInfoJson,
  gatewayRouteGossipJson,
  parseGatewayInfo,
} from "./gateway_info.ts";

Deno.test("gateway INFO has nats-server's fields in order, auth and TLS when set", () => {
  const json = gatewayInfoJson({
    serverId: "N1",
    serverName: "a1",
    version: "2.9.10",
    host: "10.0.0.1",
    port: 7222,
    headers: true,
    authRequired: true,
    tls: true,
    maxPayload: 1048576,
    gateway: "A",
    gatewayUrl: "10.0.0.1:7222",
  }, ["10.0.0.1:7222", "10.0.0.2:7222"]);
  assert.equal(
    json,
    '{"server_id":"N1","server_name":"a1","version":"2.9.10","proto":0,"go":"",' +
      '"host":"10.0.0.1","port":7222,"headers":true,"auth_required":true,"tls_required":true,' +
      '"tls_verify":true,"max_payload":1048576,"gateway":"A",' +
      '"gateway_urls":["10.0.0.1:7222","10.0.0.2:7222"],"gateway_url":"10.0.0.1:7222",' +
      '"gateway_nrp":true,"gateway_iom":true}',
  );
});

Deno.test("interest-only commands carry the account as Go marshals a []byte", () => {
  const start = gatewayCmdInfoJson("B", GatewayCmd.AllSubsStart, "$SYS");
  assert.equal(
    start,
    '{"server_id":"","server_name":"","version":"","proto":0,"go":"","host":"","port":0,' +
      '"headers":false,"max_payload":0,"gateway":"B","gateway_cmd":2,' +
      '"gateway_cmd_payload":"JFNZUw=="}',
  );
  assert.equal(gatewayCmdAccount(parseGatewayInfo(start)!), "$SYS");
  assert.equal(gatewayCmdAccount(parseGatewayInfo('{"gateway_cmd":2}')!), "");
});

Deno.test("gossip INFOs name the gateway and its URLs with command 1", () => {
  const g = JSON.parse(gatewayGossipInfoJson("N1", "C", ["h:1"]));
  assert.deepEqual([g.server_id, g.gateway, g.gateway_urls, g.gateway_cmd], [
    "N1",
    "C",
    ["h:1"],
    1,
  ]);
  const r = JSON.parse(gatewayRouteGossipJson("N1", "a1", "C", ["h:1"]));
  assert.deepEqual([r.server_id, r.server_name, r.gateway_cmd], ["GWN1", "a1", 1]);
});

Deno.test("gateway CONNECT as route.go connectInfo with the gateway name", () => {
  assert.equal(
    gatewayConnectJson({
      user: "u",
      pass: "p",
      tlsRequired: false,
      serverId: "N1",
      gateway: "A",
    }),
    '{"echo":false,"verbose":false,"pedantic":false,"user":"u","pass":"p",' +
      '"tls_required":false,"headers":false,"name":"N1","cluster":"","gateway":"A"}',
  );
});

/**
 * @module
 * Unit tests for the `leafnodes {}` reload rules (nats-server 2.9.10 reload.go, case
 * "leafnode") and Go's `%v` of `LeafNodeOpts`, against texts nats-server printed. Pure.
 */
import assert from "node:assert/strict";
import type { LeafNodeConfig, RemoteLeafConfig } from "../../link_options.ts";
import type { TlsSettings } from "../../transport/tls_options.ts";
import { goFloat, goLeafNodeOpts, leafNodeReloadError } from "./leaf_reload.ts";
import { defaultLeafNodeConfig } from "../../config/leafnode_block.ts";

const PTR = /0xc[0-9a-f]+/g;

function leaf(over: Partial<LeafNodeConfig> = {}): LeafNodeConfig {
  return { ...defaultLeafNodeConfig(), host: "127.0.0.1", port: 17424, ...over };
}

function remote(url: string, over: Partial<RemoteLeafConfig> = {}): RemoteLeafConfig {
  return {
    urls: [url],
    noRandomize: false,
    localAccount: "",
    credentials: "",
    hub: false,
    denyImports: [],
    denyExports: [],
    wsCompression: false,
    wsNoMasking: false,
    jetStreamClusterMigrate: false,
    ...over,
  };
}

function tls(over: Partial<TlsSettings> = {}): TlsSettings {
  return {
    certFile: "a.pem",
    keyFile: "a-key.pem",
    verify: false,
    map: false,
    insecure: false,
    timeoutSeconds: 2,
    rateLimit: 0,
    pinnedCerts: null,
    cipherSuites: null,
    curvePreferences: null,
    handshakeFirst: false,
    ...over,
  };
}

Deno.test("goLeafNodeOpts: nats-server's %v, with and without a listener", () => {
  assert.equal(
    goLeafNodeOpts(undefined),
    "{ 0    [] 0 <nil> 0 false map[]  false 1s []  <nil> 0 0 <nil>}",
  );
  assert.equal(
    goLeafNodeOpts(leaf({ host: "", port: 17424 })),
    "{0.0.0.0 17424    [] 2 <nil> 2 false map[]  false 1s []  <nil> 0 0 <nil>}",
  );
  assert.equal(
    goLeafNodeOpts(leaf({ username: "a", password: "b" })),
    "{127.0.0.1 17424 a b  [] 2 <nil> 2 false map[]  false 1s []  <nil> 0 0 <nil>}",
  );
  const users = [{ username: "a", password: "a", account: "A" }, {
    username: "b",
    password: "b",
    account: "B",
  }];
  assert.equal(
    goLeafNodeOpts(leaf({ users })).replace(PTR, "<P>"),
    "{127.0.0.1 17424    [<P> <P>] 2 <nil> 2 false map[]  false 1s []  <nil> 0 0 <nil>}",
  );
  assert.equal(
    goLeafNodeOpts(leaf({ host: "", port: 0, remotes: [remote("nats://h:1")] }))
      .replace(PTR, "<P>"),
    "{ 0    [] 0 <nil> 0 false map[]  false 1s [<P>]  <nil> 0 0 <nil>}",
  );
  assert.equal(
    goLeafNodeOpts(leaf({
      tls: tls({ timeoutSeconds: 0.5, map: true, pinnedCerts: new Set(["bb", "aa"]) }),
      reconnectSeconds: 90,
      advertise: "x:1",
      minVersion: "2.8.0",
    })).replace(PTR, "<P>"),
    "{127.0.0.1 17424    [] 1.5 <P> 0.5 true map[aa:{} bb:{}] x:1 false 1m30s [] 2.8.0 <nil> 0 0 <P>}",
  );
});

Deno.test("goFloat: Go's shortest %v", () => {
  assert.deepEqual(
    [2, 0.5, 1.5, 123456, 1e6, 1234567, 0.0001, 0.00001].map(goFloat),
    ["2", "0.5", "1.5", "123456", "1e+06", "1.234567e+06", "0.0001", "1e-05"],
  );
});

Deno.test("leafnodes reload: what nats-server lets through", () => {
  const a = { username: "a", password: "a", account: "A" };
  const b = { username: "b", password: "b", account: "B" };
  const r1 = remote("nats://127.0.0.1:1", { localAccount: "A" });
  const r2 = remote("nats://127.0.0.1:2");
  const passing: [LeafNodeConfig | undefined, LeafNodeConfig | undefined][] = [
    [undefined, undefined],
    [undefined, leaf({ host: "", port: 0 })],
    [leaf(), leaf()],
    [leaf({ users: [a, b] }), leaf({ users: [b, a] })],
    [leaf({ remotes: [r1, r2] }), leaf({ remotes: [{ ...r2, localAccount: "$G" }, r1] })],
    [
      leaf({ remotes: [r1] }),
      leaf({ remotes: [{ ...r1, denyImports: ["x"], denyExports: ["y"] }] }),
    ],
    [leaf({ tls: tls() }), leaf({ tls: tls({ certFile: "b.pem", verify: true }) })],
    [leaf({ remotes: [r1] }), leaf({ remotes: [{ ...r1, tls: tls({ timeoutSeconds: 0 }) }] })],
  ];
  for (const [before, after] of passing) {
    assert.equal(leafNodeReloadError(before, after), null, JSON.stringify([before, after]));
  }
});

Deno.test("leafnodes reload: refusals carry both %v values", () => {
  const refused: [LeafNodeConfig | undefined, LeafNodeConfig | undefined][] = [
    [undefined, leaf()],
    [leaf(), leaf({ port: 17425 })],
    [leaf(), leaf({ username: "a", password: "b" })],
    [
      leaf({ users: [{ username: "a", password: "a", account: "A" }] }),
      leaf({
        users: [{ username: "a", password: "x", account: "A" }],
      }),
    ],
    [
      leaf({ remotes: [remote("nats://h:1")] }),
      leaf({ remotes: [remote("nats://h:1", { hub: true })] }),
    ],
    [leaf({ remotes: [remote("nats://h:1")] }), leaf({ remotes: [] })],
    [leaf({ tls: tls() }), leaf({ tls: tls({ timeoutSeconds: 3 }) })],
    [leaf({ tls: tls() }), leaf({ tls: tls({ pinnedCerts: new Set(["aa"]) }) })],
    [leaf(), leaf({ reconnectSeconds: 5 })],
    [leaf(), leaf({ minVersion: "2.9.0" })],
  ];
  for (const [before, after] of refused) {
    const text = leafNodeReloadError(before, after);
    assert.equal(
      text?.replace(PTR, "<P>"),
      (`config reload not supported for LeafNode: old=${goLeafNodeOpts(before)}, ` +
        `new=${goLeafNodeOpts(after)}`).replace(PTR, "<P>"),
      JSON.stringify([before, after]),
    );
  }
  assert.equal(
    leafNodeReloadError(leaf(), leaf({ port: 17425 })),
    "config reload not supported for LeafNode: old={127.0.0.1 17424    [] 2 <nil> 2 false map[]  " +
      "false 1s []  <nil> 0 0 <nil>}, new={127.0.0.1 17425    [] 2 <nil> 2 false map[]  false 1s " +
      "[]  <nil> 0 0 <nil>}",
  );
});

Deno.test("leafnodes reload: a random port stands for the bound one on both sides", () => {
  const c = leaf({ host: "", port: -1 });
  assert.equal(leafNodeReloadError(c, { ...c }, 40000), null);
  assert.equal(leafNodeReloadError(c, { ...c, port: 40000 }, 40000), null);
  assert.match(
    leafNodeReloadError(c, { ...c, reconnectSeconds: 3 }, 40000) ?? "",
    /^config reload not supported for LeafNode: old=\{0\.0\.0\.0 40000 .* 1s .*new=\{0\.0\.0\.0 40000 .* 3s /,
  );
});

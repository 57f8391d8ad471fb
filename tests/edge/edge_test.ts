/**
 * @module
 * Edge servers (`edge: true`): a server that binds no port, run in this isolate with
 * `Deno.listen`, `Deno.connect` and their TLS forms made to throw, as on a host that only serves
 * HTTP. The test's `Deno.serve` hands requests to `handle.fetch`; real clients connect with
 * `wsconnect`; monitoring answers through the same handler; a nats-server hub takes the edge as
 * a leafnode dialed with the `WebSocket` API, bridging interest both ways, and the edge's
 * local clients keep working while the hub is down. Also the refusals of `edgeConfigProblem`.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection, wsconnect } from "@nats-io/transport-node";
import { startServer } from "../../mod.ts";
import type { ServerHandle } from "../../server/start.ts";
import { waitFor } from "../helpers/poll.ts";
import { withoutSockets } from "./_edge.ts";
import { freePort } from "../helpers/free_port.ts";
import {
  natsServerAvailable,
  natsServerBinary,
  type SpawnedServer,
  spawnFromConf,
} from "../helpers/spawn_server.ts";

/** The edge server behind a `Deno.serve` of the test, as an edge host runs it. */
async function serveEdge(
  options: Parameters<typeof startServer>[0],
): Promise<{ nats: ServerHandle; url: string; close(): Promise<void> }> {
  const nats = await startServer({ edge: true, quiet: true, ...options });
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, nats.fetch);
  return {
    nats,
    url: `ws://127.0.0.1:${http.addr.port}`,
    async close() {
      await nats.close();
      await http.shutdown();
    },
  };
}

/** Subscribes on `sub`, publishes on `pub` until one message arrives (interest is async). */
async function crosses(pub: NatsConnection, sub: NatsConnection, subject: string): Promise<void> {
  let received: string | undefined;
  const s = sub.subscribe(subject, {
    callback: (_e, m) => {
      received ??= m.string();
    },
  });
  await sub.flush();
  await waitFor(
    async () => {
      pub.publish(subject, "hello");
      await pub.flush();
      await new Promise((r) => setTimeout(r, 20));
      return received === "hello";
    },
    15_000,
    `${subject} delivered`,
  );
  s.unsubscribe();
}

Deno.test("edge: WebSocket clients and monitoring through fetch, no socket of its own", async () => {
  await withoutSockets(async (calls) => {
    const edge = await serveEdge({ serverName: "edge-1", httpPort: -1 });
    const a = await wsconnect({ servers: edge.url });
    const b = await wsconnect({ servers: edge.url });
    try {
      assert.equal(a.info?.server_name, "edge-1");
      await crosses(a, b, "edge.local");
      b.subscribe("svc.time", { callback: (_e, m) => void m.respond("now") });
      await b.flush();
      assert.equal((await a.request("svc.time", "", { timeout: 2000 })).string(), "now");

      const varz = await (await fetch(edge.url.replace("ws:", "http:") + "/varz")).json();
      assert.equal(varz.server_name, "edge-1");
      assert.equal(varz.connections, 2);
      const connz = await (await fetch(edge.url.replace("ws:", "http:") + "/connz")).json();
      assert.equal(connz.num_connections, 2);
      const health = await fetch(edge.url.replace("ws:", "http:") + "/healthz");
      assert.equal(health.status, 200);
      await health.body?.cancel();
      // The dashboard's history is sampled without a monitor listener too.
      await waitFor(
        async () => {
          const h = await (await fetch(edge.url.replace("ws:", "http:") + "/dashboard/history"))
            .json();
          return h.samples.length > 0;
        },
        5000,
        "a history sample",
      );
      assert.deepEqual(calls, [], "no raw socket API was called");
    } finally {
      await a.close();
      await b.close();
      await edge.close();
    }
  });
});

Deno.test("edge: without http_port, plain requests get 404; upgrades still connect", async () => {
  const edge = await serveEdge({});
  try {
    const res = await fetch(edge.url.replace("ws:", "http:") + "/varz");
    assert.equal(res.status, 404);
    await res.body?.cancel();
    const nc = await wsconnect({ servers: edge.url });
    await nc.flush();
    await nc.close();
  } finally {
    await edge.close();
  }
});

Deno.test("edge: what needs a listener or TCP is refused before the start", async () => {
  const cases: [Parameters<typeof startServer>[0], RegExp][] = [
    [{ shards: 2 }, /edge: an edge server runs in one isolate/],
    [{ cluster: { port: -1, name: "C" } }, /edge: 'cluster' needs a listener/],
    [{ gateway: { name: "G", port: -1 } }, /edge: 'gateway' needs a listener/],
    [{ leafnodes: { port: -1 } }, /edge: 'leafnodes \{ port \}' needs a listener/],
    [
      { tls: { cert_file: "server-cert.pem", key_file: "server-key.pem" } },
      /edge: 'tls' secures the client port, which an edge server does not bind/,
    ],
    [
      { leafnodes: { remotes: [{ url: "nats://u:secret@127.0.0.1:7422" }] } },
      /edge: leafnode remote 'nats:\/\/u:xxxxx@127\.0\.0\.1:7422' must be a ws:\/\/ or wss:\/\//,
    ],
    [
      { leafnodes: { remotes: [{ url: "ws://127.0.0.1:8080", ws_no_masking: true }] } },
      /edge: 'ws_no_masking' and 'ws_compression'/,
    ],
    [{ websocket: { compression: true } }, /edge: 'websocket \{ compression \}'/],
  ];
  for (const [options, text] of cases) {
    await assert.rejects(startServer({ edge: true, quiet: true, ...options }), text);
  }
});

Deno.test({
  name: "edge: a leafnode of a nats-server hub over the WebSocket API, surviving the hub's outage",
  ignore: !natsServerAvailable(),
  fn: async () => {
    const wsPort = freePort();
    const hubConf =
      `server_name: hub\nwebsocket { listen: "127.0.0.1:${wsPort}", no_tls: true }\n` +
      `leafnodes { listen: "127.0.0.1:-1" }\n`;
    let hub: SpawnedServer | null = await spawnFromConf(natsServerBinary(), hubConf, {
      monitor: true,
    });
    const leafz = async () =>
      hub ? await (await fetch(`${hub.monitorUrl}/leafz`)).json().catch(() => ({})) : {};
    await withoutSockets(async (calls) => {
      const edge = await serveEdge({
        serverName: "edge-2",
        leafnodes: { remotes: [{ url: `ws://127.0.0.1:${wsPort}` }] },
      });
      const local = await wsconnect({ servers: edge.url });
      const peer = await wsconnect({ servers: edge.url });
      let central = await connect({ port: hub!.port });
      try {
        await waitFor(async () => (await leafz()).leafnodes === 1, 10_000, "the edge leafnode");
        const leaf = (await leafz()).leafs[0];
        assert.equal(leaf.account, "$G", JSON.stringify(leaf));
        await crosses(local, central, "to.hub");
        await crosses(central, local, "to.edge");

        // The hub goes away: the edge's own clients keep working.
        await central.close();
        await hub!.close();
        hub = null;
        await crosses(local, peer, "while.down");

        // The hub comes back on the same WebSocket port: the edge dials it again.
        hub = await spawnFromConf(natsServerBinary(), hubConf, { monitor: true });
        central = await connect({ port: hub.port });
        await waitFor(async () => (await leafz()).leafnodes === 1, 15_000, "the edge back");
        await crosses(local, central, "to.hub.again");
        await crosses(central, local, "to.edge.again");
        assert.deepEqual(calls, [], "no raw socket API was called");
      } finally {
        await local.close();
        await peer.close();
        await central.close().catch(() => {});
        await edge.close();
      }
    });
    await hub?.close();
  },
});

/** The two edge entry points, with the permissions each needs and nothing more. */
const EXAMPLES: { file: string; args: (port: number, hub: number) => string[] }[] = [
  {
    file: "edge.ts",
    args: (port, hub) => ["run", `--allow-net=0.0.0.0:${port},127.0.0.1:${hub}`, "--allow-env"],
  },
  {
    // `deno serve` grants its own port.
    file: "edge_serve.ts",
    args: (
      port,
      hub,
    ) => ["serve", "--port", String(port), `--allow-net=127.0.0.1:${hub}`, "--allow-env"],
  },
];

for (const example of EXAMPLES) {
  Deno.test({
    name:
      `edge: examples/${example.file} runs with network access to its port and the hub and env only`,
    ignore: !natsServerAvailable(),
    fn: async () => {
      const wsPort = freePort();
      const port = freePort();
      await using hub = await spawnFromConf(
        natsServerBinary(),
        `websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }\nleafnodes { listen: "127.0.0.1:-1" }\n`,
      );
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          ...example.args(port, wsPort),
          new URL(`../../examples/${example.file}`, import.meta.url).pathname,
        ],
        env: { PORT: String(port), NATS_HUB: `ws://127.0.0.1:${wsPort}`, NO_COLOR: "1" },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      let log = "";
      const pump = (async () => {
        for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) log += chunk;
      })();
      const central = await connect({ port: hub.port });
      let local: NatsConnection | null = null;
      try {
        // Ready once its host's HTTP server answers (monitoring through fetch).
        await waitFor(
          () =>
            fetch(`http://127.0.0.1:${port}/healthz`).then(async (r) => {
              await r.body?.cancel();
              return r.ok;
            }, () => false),
          30_000,
          "the edge's HTTP server",
        );
        assert.match(log, /Serving WebSocket clients and monitoring through fetch/);
        local = await wsconnect({ servers: `ws://127.0.0.1:${port}` });
        await crosses(local, central, "example.to.hub");
        await crosses(central, local, "example.to.edge");
        assert.doesNotMatch(log, /NotCapable|PermissionDenied|Requires .* access/);
      } finally {
        await local?.close();
        await central.close();
        child.kill("SIGTERM");
        // It exits on SIGTERM (the example closes the server); a hang is killed and reported.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const exited = await Promise.race([
          child.status.then(() => true),
          new Promise<false>((r) => (timer = setTimeout(() => r(false), 10_000))),
        ]);
        clearTimeout(timer);
        if (!exited) child.kill("SIGKILL");
        await child.status;
        await pump;
        assert.ok(exited, `${example.file} did not exit on SIGTERM`);
      }
    },
  });
}

Deno.test("edge: the websocket {} block applies to fetch without a port, and is validated", async () => {
  const edge = await serveEdge({ websocket: { same_origin: true } });
  try {
    const url = edge.url.replace("ws:", "http:");
    const bad = await fetch(url, {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
        origin: "http://elsewhere.example.com",
      },
    });
    assert.equal(bad.status, 403);
    assert.equal(await bad.text(), "Forbidden\n");
    const nc = await wsconnect({ servers: edge.url }); // no Origin header: allowed
    await nc.close();
  } finally {
    await edge.close();
  }
  await assert.rejects(
    startServer({
      edge: true,
      quiet: true,
      users: [{ user: "a", password: "a" }],
      websocket: { no_auth_user: "b" },
    }),
    /no_auth_user: "b" not present as user/,
  );
});

Deno.test("edge: a hub that never answers the upgrade: each dial is closed, shutdown is prompt", async () => {
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of silent) accepted.push(c);
  })();
  try {
    await withoutSockets(async () => {
      const edge = await serveEdge({
        leafnodes: {
          reconnect: 1,
          remotes: [{ url: `ws://127.0.0.1:${(silent.addr as Deno.NetAddr).port}` }],
        },
      });
      try {
        await waitFor(() => accepted.length >= 2, 15_000, "a second dial");
        // The first dial timed out: the edge closed its socket (after its upgrade request,
        // the read ends).
        const buf = new Uint8Array(4096);
        let request = "";
        const reading = (async () => {
          for (let n; (n = await accepted[0].read(buf).catch(() => null)) !== null;) {
            request += new TextDecoder().decode(buf.subarray(0, n));
          }
          return true;
        })();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const ended = await Promise.race([
          reading,
          new Promise<false>((r) => (timer = setTimeout(() => r(false), 5000))),
        ]);
        clearTimeout(timer);
        assert.ok(ended, "the timed-out dial's socket was closed");
        assert.match(request, /^GET \/leafnode HTTP\/1\.1\r\n/);
      } finally {
        const started = performance.now();
        await edge.close();
        assert.ok(performance.now() - started < 2000, "shutdown did not wait for the dial");
      }
    });
  } finally {
    silent.close();
    await accepting;
    for (const c of accepted) c.close();
  }
});

/**
 * @module
 * Dual-stack listening (Go's net.Listen on a wildcard host): with the default host `0.0.0.0`,
 * clients reach the client, monitoring, websocket and route ports over both `127.0.0.1` and
 * `::1`, side by side with nats-server 2.9.10, in one isolate and with `--shards 2`; IPv4 clients
 * keep their plain address in /connz and log lines still say `0.0.0.0:<port>`. Runs real
 * processes; skipped visibly where the machine has no IPv6 loopback.
 */
import { deepStrictEqual, strictEqual } from "node:assert";
import { binaries, type Binary, ServerProcess, TempDir } from "./_proc.ts";

function hasIpv6Loopback(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

const ipv6 = hasIpv6Loopback();
if (!ipv6) console.warn("%cno IPv6 loopback (::1): dual-stack tests skipped", "color: yellow");

/** Sends CONNECT+PING over a raw socket to `host:port`; true when PONG comes back. */
async function pingPong(hostname: string, port: number): Promise<boolean> {
  const conn = await Deno.connect({ hostname, port });
  try {
    await conn.write(new TextEncoder().encode('CONNECT {"verbose":false}\r\nPING\r\n'));
    let text = "";
    const buf = new Uint8Array(4096);
    const deadline = Date.now() + 5000;
    while (!text.includes("PONG\r\n") && Date.now() < deadline) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return text.includes("PONG\r\n");
  } finally {
    conn.close();
  }
}

/** Opens a raw connection and returns it once the server answered PONG. */
async function connected(hostname: string, port: number): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname, port });
  await conn.write(new TextEncoder().encode('CONNECT {"verbose":false}\r\nPING\r\n'));
  const buf = new Uint8Array(4096);
  let text = "";
  while (!text.includes("PONG")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("closed before PONG");
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return conn;
}

async function scenario(bin: Binary, dir: TempDir, extra: string[]) {
  const conf = dir.write(
    "ds.conf",
    [
      "port: -1",
      "http_port: -1",
      "websocket { port: -1, no_tls: true }",
      "cluster { name: ds, port: -1 }",
    ].join("\n"),
  );
  await using proc = await ServerProcess.start(bin, ["-c", conf, ...extra]);
  const port = await proc.clientPort();
  const line = (re: RegExp) => proc.waitForLine(re, 10000);
  const monitor = Number((await line(/monitor on 0\.0\.0\.0:(\d+)/)).match(/:(\d+)$/)![1]);
  const ws = Number(
    (await line(/websocket clients on ws:\/\/0\.0\.0\.0:(\d+)/)).match(/:(\d+)$/)![1],
  );
  // denats logs the route listener of a host-less cluster block as `:<port>` (nats-server:
  // `0.0.0.0:<port>`); that line belongs to the cluster code.
  const route = Number(
    (await line(/route connections on (?:0\.0\.0\.0)?:(\d+)/)).match(/:(\d+)$/)![1],
  );
  const reach: Record<string, boolean> = {};
  for (const host of ["127.0.0.1", "::1"]) {
    reach[`client ${host}`] = await pingPong(host, port);
    const h = host.includes(":") ? `[${host}]` : host;
    const r = await fetch(`http://${h}:${monitor}/varz`);
    reach[`monitor ${host}`] = r.ok && (await r.json()).port === port;
    const tcp = await Deno.connect({ hostname: host, port: ws });
    reach[`websocket ${host}`] = true;
    tcp.close();
    const rt = await Deno.connect({ hostname: host, port: route });
    reach[`route ${host}`] = true;
    rt.close();
  }
  // /connz shows an IPv4 client's plain address, never the IPv4-mapped form.
  const v4 = await connected("127.0.0.1", port);
  const v6 = await connected("::1", port);
  const connz = await (await fetch(`http://127.0.0.1:${monitor}/connz`)).json();
  const hosts = (connz.connections as { ip: string }[]).map((c) => c.ip).sort();
  v4.close();
  v6.close();
  return { reach, hosts };
}

const expected = {
  reach: {
    "client 127.0.0.1": true,
    "monitor 127.0.0.1": true,
    "websocket 127.0.0.1": true,
    "route 127.0.0.1": true,
    "client ::1": true,
    "monitor ::1": true,
    "websocket ::1": true,
    "route ::1": true,
  },
  hosts: ["127.0.0.1", "::1"],
};

Deno.test({
  name: "default host listens dual-stack: 127.0.0.1 and ::1 reach every listener, as nats-server",
  ignore: !ipv6,
  async fn() {
    await using root = await TempDir.create();
    for (const bin of binaries(root)) {
      await using dir = await TempDir.create();
      deepStrictEqual(await scenario(bin, dir, []), expected, bin.kind);
    }
  },
});

Deno.test({
  name: "default host listens dual-stack with --shards 2",
  ignore: !ipv6,
  async fn() {
    await using root = await TempDir.create();
    const [denats] = binaries(root);
    strictEqual(denats.kind, "denats");
    await using dir = await TempDir.create();
    deepStrictEqual(await scenario(denats, dir, ["--shards", "2"]), expected);
  },
});

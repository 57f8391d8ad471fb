/**
 * @module
 * SIGHUP reload of `leafnodes {}` side by side with nats-server 2.9.10 (reload.go, case
 * "leafnode"): changes it lets through (users reordered, remotes reordered or with other deny
 * lists, `$G` written out, TLS files) reload cleanly with no leafnode notice; the others (port,
 * authorization, a password, a remote added or made a hub, reconnect, TLS timeout) are refused
 * with `config reload not supported for LeafNode: old={...}, new={...}`, Go's `%v` of
 * `LeafNodeOpts` (pointer addresses normalized). Runs real processes.
 */
import { deepStrictEqual } from "node:assert";
import { compare, normalizeLine, ServerProcess, waitFor } from "./_proc.ts";
import { freePort } from "../cluster/_cluster.ts";

const CERTS = new URL("../tls/certs/", import.meta.url).pathname;

/** Starts on `first`, reloads each of `next` in turn; the outcome lines of each reload. */
function reloads(
  first: string,
  next: string[],
  normalize = (line: string) => line,
): Promise<string[][]> {
  return compare(async (bin, dir) => {
    const path = dir.write("leaf.conf", first);
    await using proc = await ServerProcess.start(bin, ["-c", path]);
    await proc.clientPort();
    const seen: string[][] = [];
    for (const text of next) {
      const from = proc.lines().length;
      Deno.writeTextFileSync(path, text);
      proc.signal("SIGHUP");
      await proc.waitForLine(/Reloaded server configuration$|Failed to reload/, 5000, from);
      seen.push(
        proc.lines().slice(from).map(normalizeLine)
          .filter((l) => /Reload|LeafNode/.test(l))
          .map((l) => normalize(l.replace(/0xc[0-9a-f]+/g, "<PTR>"))),
      );
    }
    proc.signal("SIGINT");
    await proc.waitExit();
    return seen;
  });
}

const OK = [
  "[PID] [INF] Reloaded: authorization users",
  "[PID] [INF] Reloaded: accounts",
  "[PID] [INF] Reloaded server configuration",
];

function refused(old: string, now: string): string[] {
  return [
    "[PID] [ERR] Failed to reload server configuration: config reload not supported for " +
    `LeafNode: old=${old}, new=${now}`,
  ];
}

Deno.test("reload of a leafnode listener: what passes and what is refused", async () => {
  const accounts = "accounts { A {}, B {} }\n";
  const listen = (body: string) =>
    `port: -1\n${accounts}leafnodes { listen: "127.0.0.1:17491"${body} }\n`;
  const users = (list: string) => `, authorization { users: [ ${list} ] }`;
  const a = "{user: a, password: a, account: A}";
  const b = "{user: b, password: b, account: B}";
  const seen = await reloads(listen(users(`${a}, ${b}`)), [
    listen(users(`${b}, ${a}`)),
    listen(users(`${b}, {user: a, password: x, account: A}`)),
    listen(users(`${b}, ${a}`) + ", reconnect: 5"),
    `port: -1\n${accounts}leafnodes { port: 17492 }\n`,
    `port: -1\n${accounts}`,
  ]);
  const base = (host: string, port: number, users: string, tail = "1s") =>
    `{${host} ${port}    ${users} 2 <nil> 2 false map[]  false ${tail} []  <nil> 0 0 <nil>}`;
  const two = "[<PTR> <PTR>]";
  deepStrictEqual(seen, [
    OK,
    refused(base("127.0.0.1", 17491, two), base("127.0.0.1", 17491, two)),
    refused(base("127.0.0.1", 17491, two), base("127.0.0.1", 17491, two, "5s")),
    refused(base("127.0.0.1", 17491, two), base("0.0.0.0", 17492, "[]")),
    refused(
      base("127.0.0.1", 17491, two),
      "{ 0    [] 0 <nil> 0 false map[]  false 1s []  <nil> 0 0 <nil>}",
    ),
  ]);
});

Deno.test("reload of leafnode remotes: reordered or other deny lists pass, changes do not", async () => {
  const conf = (remotes: string) =>
    `port: -1\naccounts { A {} }\nleafnodes { reconnect: 30, remotes: [ ${remotes} ] }\n`;
  const r1 = `{url: "nats://127.0.0.1:1", account: A}`;
  const r2 = `{url: "nats://127.0.0.1:2"}`;
  const seen = await reloads(conf(`${r1}, ${r2}`), [
    conf(`{url: "nats://127.0.0.1:2", account: "$G", deny_imports: [x]}, ${r1}`),
    conf(`${r2}, {url: "nats://127.0.0.1:1", account: A, hub: true}`),
    conf(r1),
    "port: -1\naccounts { A {} }\nleafnodes { reconnect: 30, authorization { user: u, " +
    `password: p }, remotes: [ ${r1}, ${r2} ] }\n`,
  ]);
  const v = (remotes: string, user = " ") =>
    `{ 0 ${user}  [] 0 <nil> 0 false map[]  false 30s ${remotes}  <nil> 0 0 <nil>}`;
  deepStrictEqual(seen, [
    OK,
    refused(v("[<PTR> <PTR>]"), v("[<PTR> <PTR>]")),
    refused(v("[<PTR> <PTR>]"), v("[<PTR>]")),
    refused(v("[<PTR> <PTR>]"), v("[<PTR> <PTR>]", "u p")),
  ]);
});

Deno.test("reload of leafnode TLS: other files pass, another timeout is refused", async () => {
  const tls = (file: string, extra = "") =>
    `port: -1\nleafnodes { listen: "127.0.0.1:17493", tls { cert_file: "${CERTS}${file}-cert.pem",` +
    ` key_file: "${CERTS}${file}-key.pem"${extra} } }\n`;
  const seen = await reloads(tls("server"), [
    tls("route"),
    tls("route", ", timeout: 5"),
  ]);
  const v = (timeout: number) =>
    `{127.0.0.1 17493    [] ${timeout === 2 ? 3 : timeout + 1} <PTR> ${timeout} false map[]  ` +
    `false 1s []  <nil> 0 0 <PTR>}`;
  deepStrictEqual(seen, [OK, refused(v(2), v(5))]);
});

Deno.test("a leafnode TLS reload takes effect: the new certificate serves new leafnodes", async () => {
  const seen = await compare(async (bin, dir) => {
    const leafPort = freePort();
    const http = freePort();
    const hubConf = (file: string) =>
      `port: -1\nhttp: "127.0.0.1:${http}"\nleafnodes { listen: "127.0.0.1:${leafPort}", tls { ` +
      `cert_file: "${CERTS}${file}-cert.pem", key_file: "${CERTS}${file}-key.pem" } }\n`;
    const hubPath = dir.write("hub.conf", hubConf("server"));
    const leafPath = dir.write(
      "leaf.conf",
      `port: -1\nleafnodes { remotes: [ { url: "tls://127.0.0.1:${leafPort}", ` +
        `tls { ca_file: "${CERTS}route-ca.pem" } } ] }\n`,
    );
    await using hub = await ServerProcess.start(bin, ["-c", hubPath]);
    await hub.clientPort();
    await using leaf = await ServerProcess.start(bin, ["-c", leafPath]);
    await leaf.clientPort();
    const leafs = async () => {
      const r = await fetch(`http://127.0.0.1:${http}/leafz`);
      return (await r.json()).leafnodes as number;
    };
    // The hub's certificate is not signed by the leaf's CA: refused until the reload.
    await leaf.waitForLine(/TLS handshake error|certificate/i, 5000);
    const before = await leafs();
    const from = hub.lines().length;
    Deno.writeTextFileSync(hubPath, hubConf("route"));
    hub.signal("SIGHUP");
    const outcome = await hub.waitForLine(
      /Reloaded server configuration$|Failed to reload/,
      5000,
      from,
    );
    await waitFor(async () => (await leafs()) === 1, 8000, "the leaf connects after the reload");
    for (const p of [leaf, hub]) {
      p.signal("SIGINT");
      await p.waitExit();
    }
    return { before, outcome: normalizeLine(outcome), after: 1 };
  });
  deepStrictEqual(seen, {
    before: 0,
    outcome: "[PID] [INF] Reloaded server configuration",
    after: 1,
  });
});

Deno.test("reload with a random leafnode port: the bound port on both sides", async () => {
  // A number (not -1): the port the listener got, which differs between the two servers.
  const bound = (l: string) => l.replace(/\{0\.0\.0\.0 \d+ /g, "{0.0.0.0 <BOUND> ");
  const seen = await reloads("port: -1\nleafnodes { port: -1 }\n", [
    "port: -1\nleafnodes { port: -1 }\n",
    "port: -1\nleafnodes { port: -1, reconnect: 3 }\n",
  ], bound);
  const v = (reconnect: string) =>
    `{0.0.0.0 <BOUND>    [] 2 <nil> 2 false map[]  false ${reconnect} []  <nil> 0 0 <nil>}`;
  deepStrictEqual(seen, [OK, refused(v("1s"), v("3s"))]);
});

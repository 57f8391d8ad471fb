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
import { compare, normalizeLine, ServerProcess } from "./_proc.ts";

const CERTS = new URL("../tls/certs/", import.meta.url).pathname;

/** Starts on `first`, reloads each of `next` in turn; the outcome lines of each reload. */
function reloads(first: string, next: string[]): Promise<string[][]> {
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
          .map((l) => l.replace(/0xc[0-9a-f]+/g, "<PTR>")),
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

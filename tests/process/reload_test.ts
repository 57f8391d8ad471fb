/**
 * @module
 * SIGHUP config reload as a process contract, side by side with nats-server 2.9.10: permission
 * changes re-checked on connected clients, users removed or with a new password, max_payload,
 * a broken file, a non-reloadable change and debug switched on. Each scenario records what the
 * clients received and the log lines, and the two servers must agree. Runs real processes.
 */
import { deepStrictEqual } from "node:assert";
import { RawClient } from "../helpers/raw_client.ts";
import { type Binary, compare, normalizeLine, ServerProcess, type TempDir } from "./_proc.ts";

const USERS = (alicePerms: string, extra = "") =>
  `port: -1
authorization {
  users: [
    {user: alice, password: a${alicePerms}}
    {user: bob, password: b}
    {user: carol, password: c}
    ${extra}
  ]
}
`;

/** A server started on `conf`, plus how to rewrite the file and reload it. */
interface Fixture {
  proc: ServerProcess;
  port: number;
  /** Rewrites the config file, sends SIGHUP and waits for the outcome line; returns new lines. */
  reload(text: string, outcome?: RegExp): Promise<string[]>;
}

async function withServer<T>(
  bin: Binary,
  dir: TempDir,
  conf: string,
  args: string[],
  body: (f: Fixture) => Promise<T>,
): Promise<T> {
  const path = dir.write("reload.conf", conf);
  await using proc = await ServerProcess.start(bin, ["-c", path, ...args]);
  const port = await proc.clientPort();
  const fixture: Fixture = {
    proc,
    port,
    async reload(text, outcome = /Reloaded server configuration$|Failed to reload/) {
      const from = proc.lines().length;
      Deno.writeTextFileSync(path, text);
      proc.signal("SIGHUP");
      await proc.waitForLine(outcome, 5000, from);
      return proc.lines().slice(from).map(normalizeLine).map((l) => l.replace(dir.path, "<DIR>"));
    },
  };
  const result = await body(fixture);
  proc.signal("SIGINT");
  await proc.waitExit();
  return result;
}

/** Drops server PINGs (the first comes 2s after CONNECT) from received text. */
function noPings(text: string): string {
  return text.replaceAll("PING\r\n", "");
}

function user(port: number, name: string, pass: string) {
  return RawClient.open({ host: "127.0.0.1", port }, { user: name, pass });
}

Deno.test("reload narrows a connected user's permissions: subs removed, publish denied", async () => {
  const seen = await compare((bin, dir) =>
    withServer(bin, dir, USERS(""), [], async (f) => {
      await using alice = await user(f.port, "alice", "a");
      await alice.send("SUB x 1\r\nSUB y 2\r\n");
      await alice.flush();
      const denyX = ", permissions: {publish: {deny: [x]}, subscribe: {deny: [x]}}";
      const logs = await f.reload(USERS(denyX));
      const afterReload = noPings(await alice.flush());
      await alice.send("PUB x 2\r\nhi\r\nPUB y 2\r\nok\r\n");
      const afterPub = noPings(await alice.flush());
      return {
        logs: logs.filter((l) => /Removed sub|Reloaded/.test(l)),
        afterReload,
        afterPub,
        connected: !alice.closed,
      };
    })
  );
  deepStrictEqual(seen, {
    logs: [
      "[PID] [INF] Reloaded: authorization users",
      "[PID] [INF] Reloaded: accounts",
      '[PID] [INF] Removed sub "x" (sid "1") for User "alice" - not authorized',
      "[PID] [INF] Reloaded server configuration",
    ],
    afterReload: `-ERR 'Permissions Violation for Subscription to "x" (sid "1")'\r\n`,
    afterPub: `-ERR 'Permissions Violation for Publish to "x"'\r\nMSG y 2 2\r\nok\r\n`,
    connected: true,
  });
});

Deno.test("reload that removes a user or changes a password disconnects only those clients", async () => {
  const seen = await compare((bin, dir) =>
    withServer(bin, dir, USERS(""), [], async (f) => {
      await using alice = await user(f.port, "alice", "a");
      await using bob = await user(f.port, "bob", "b");
      await using carol = await user(f.port, "carol", "c");
      const conf = USERS("").replace("{user: bob, password: b}\n", "")
        .replace("password: c", "password: c2");
      const logs = await f.reload(conf);
      const bobGot = noPings(await bob.expectClosed());
      const carolGot = noPings(await carol.expectClosed());
      const aliceGot = noPings(await alice.flush());
      return {
        logs: logs.filter((l) => /\[(ERR|INF)\]/.test(l)),
        bobGot,
        carolGot,
        aliceGot,
        aliceConnected: !alice.closed,
      };
    })
  );
  deepStrictEqual(seen, {
    logs: [
      "[PID] [INF] Reloaded: authorization users",
      "[PID] [INF] Reloaded: accounts",
      '[PID] [ERR] 127.0.0.1:<PORT> - cid:<N> - authentication error - User "carol"',
      "[PID] [INF] Reloaded server configuration",
    ],
    // A user gone from the list counts as moved to another account: closed without -ERR.
    bobGot: "",
    carolGot: "-ERR 'Authorization Violation'\r\n",
    aliceGot: "",
    aliceConnected: true,
  });
});

Deno.test("as nats-server 2.9.10, any reload drops clients of a single authorization user", async () => {
  const conf = "port: -1\nauthorization { user: solo, password: pw }\n";
  const seen = await compare((bin, dir) =>
    withServer(bin, dir, conf, [], async (f) => {
      await using solo = await user(f.port, "solo", "pw");
      await f.reload(conf);
      return { solo: noPings(await solo.expectClosed()) };
    })
  );
  deepStrictEqual(seen, { solo: "" });
});

Deno.test("reload of max_payload changes INFO for new clients and the limit for connected ones", async () => {
  const seen = await compare((bin, dir) =>
    withServer(bin, dir, "port: -1\n", [], async (f) => {
      await using before = await RawClient.open({ host: "127.0.0.1", port: f.port });
      const logs = await f.reload("port: -1\nmax_payload: 8\n");
      await using fresh = await RawClient.dial({ host: "127.0.0.1", port: f.port });
      const info = await fresh.readInfo();
      await before.send("PUB a 8\r\n12345678\r\nPUB a 9\r\n123456789\r\n");
      const got = noPings(await before.expectClosed());
      return {
        logs: logs.filter((l) => /Reloaded/.test(l)),
        maxPayload: info.max_payload,
        got,
      };
    })
  );
  deepStrictEqual(seen, {
    logs: [
      "[PID] [INF] Reloaded: authorization users",
      "[PID] [INF] Reloaded: accounts",
      "[PID] [INF] Reloaded: max_payload = 8",
      "[PID] [INF] Reloaded server configuration",
    ],
    maxPayload: 8,
    got: "-ERR 'Maximum Payload Violation'\r\n",
  });
});

Deno.test("a broken config file is refused on reload; the old one stays in force", async () => {
  const seen = await compare((bin, dir) =>
    withServer(bin, dir, USERS(""), [], async (f) => {
      await using alice = await user(f.port, "alice", "a");
      const logs = await f.reload("port: -1\nauthorization {\n", /Failed to reload/);
      await alice.send("SUB q 1\r\nPUB q 2\r\nhi\r\n");
      const got = noPings(await alice.flush());
      const again = await user(f.port, "bob", "b");
      await again.close();
      return { logs: logs.filter((l) => /ERR/.test(l)), got };
    })
  );
  deepStrictEqual(seen, {
    logs: [
      "[PID] [ERR] Failed to reload server configuration: Parse error on line 3: " +
      "'Unexpected EOF processing map.'",
    ],
    got: "MSG q 1 2\r\nhi\r\n",
  });
});

Deno.test("a non-reloadable change is refused with nats-server's exact message", async () => {
  const seen = await compare((bin, dir) =>
    withServer(bin, dir, "port: -1\nserver_name: one\n", [], async (f) => {
      const portLogs = await f.reload(`port: ${f.port + 1}\nserver_name: one\n`);
      const nameLogs = await f.reload(`port: -1\nserver_name: two\n`);
      const ldmLogs = await f.reload(`port: -1\nserver_name: one\nlame_duck_duration: "30s"\n`);
      return [...portLogs, ...nameLogs, ...ldmLogs]
        .map((l) => l.replace(/old=\d+, new=\d+/, "old=<N>, new=<N>"));
    })
  );
  deepStrictEqual(seen, [
    "[PID] [ERR] Failed to reload server configuration: config reload not supported for " +
    "Port: old=<N>, new=<N>",
    "[PID] [ERR] Failed to reload server configuration: config reload not supported for " +
    "ServerName: old=one, new=two",
    "[PID] [ERR] Failed to reload server configuration: config reload not supported for " +
    "LameDuckDuration: old=2m0s, new=30s",
  ]);
});

Deno.test("debug switched on by reload starts [DBG] lines", async () => {
  const seen = await compare((bin, dir) =>
    withServer(bin, dir, "port: -1\n", [], async (f) => {
      const logs = await f.reload("port: -1\ndebug: true\n");
      const from = f.proc.lines().length;
      const client = await RawClient.open({ host: "127.0.0.1", port: f.port });
      await client.close();
      await f.proc.waitForLine(/\[DBG\] .* - Client connection closed/, 5000, from);
      return {
        logs: logs.filter((l) => /Reloaded/.test(l)),
        debug: f.proc.lines().slice(from).map(normalizeLine)
          .filter((l) => /Client connection (created|closed)/.test(l))
          .map((l) => l.replace(/\d+\.\d+\.\d+\.\d+:<PORT>/, "<ADDR>")),
      };
    })
  );
  deepStrictEqual(seen, {
    logs: [
      "[PID] [INF] Reloaded: debug = true",
      "[PID] [INF] Reloaded: authorization users",
      "[PID] [INF] Reloaded: accounts",
      "[PID] [INF] Reloaded server configuration",
    ],
    debug: [
      "[PID] [DBG] <ADDR> - cid:<N> - Client connection created",
      "[PID] [DBG] <ADDR> - cid:<N> - Client connection closed: Client Closed",
    ],
  });
});

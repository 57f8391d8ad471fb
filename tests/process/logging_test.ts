/**
 * @module
 * Logging as a process contract, side by side with nats-server 2.9.10: the startup banner and
 * readiness lines, the `[pid] YYYY/MM/DD HH:MM:SS.micro [INF]` format, `-T=false` and
 * `logtime: false`, the `-D`/`-V`/`-DV` levels with the protocol trace lines, `-l` log files,
 * `log_size_limit` rotation and SIGUSR1 reopen. Runs real processes.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert";
import { connect as natsConnect } from "nats";
import { RawClient } from "../helpers/raw_client.ts";
import { DENATS_VERSION } from "../../server/version.ts";
import { compare, normalizeLine, ServerProcess, waitFor } from "./_proc.ts";

async function stop(proc: ServerProcess): Promise<void> {
  proc.signal("SIGINT");
  await proc.waitExit();
}

const LINE = /^\[(\d+)\] (\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}) \[(INF|DBG|TRC|WRN|ERR|FTL)\] /;

Deno.test("startup prints nats-server's banner and readiness lines in its format", async () => {
  const seen = await compare(async (bin, dir) => {
    const conf = dir.write("s.conf", "port: -1\nserver_name: banner\n");
    await using proc = await ServerProcess.start(bin, ["-c", conf]);
    await stop(proc);
    const lines = proc.lines();
    for (const line of lines) {
      const m = LINE.exec(line);
      ok(m, `${bin.kind} line format: ${line}`);
      strictEqual(Number(m[1]), proc.pid);
      const stamp = new Date(m[2].replace(/\//g, "-").replace(" ", "T")).getTime();
      ok(Math.abs(stamp - Date.now()) < 60_000, `local time: ${m[2]}`);
    }
    const shown = lines.map(normalizeLine).map((l) => l.replace(dir.path, "<DIR>"));
    if (bin.kind !== "denats") return shown;
    // The one line denats adds: its own version, right after nats-server's Version line.
    strictEqual(shown[2], `[PID] [INF]   denats:   ${DENATS_VERSION}`);
    return shown.filter((_, i) => i !== 2);
  });
  deepStrictEqual(seen, [
    "[PID] [INF] Starting nats-server",
    "[PID] [INF]   Version:  2.9.10",
    "[PID] [INF]   Git:      [not set]",
    "[PID] [INF]   Name:     banner",
    "[PID] [INF]   ID:       <ID>",
    "[PID] [INF] Using configuration file: <DIR>/s.conf",
    "[PID] [INF] Listening for client connections on 0.0.0.0:<PORT>",
    "[PID] [INF] Server is ready",
    "[PID] [INF] Initiating Shutdown...",
    "[PID] [INF] Server Exiting..",
  ]);
});

Deno.test("-T=false and logtime: false drop the timestamp", async () => {
  const seen = await compare(async (bin, dir) => {
    const shapes: string[] = [];
    const conf = dir.write("t.conf", "port: -1\nlogtime: false\n");
    for (const args of [["-p", "-1", "-T=false"], ["-c", conf]]) {
      await using proc = await ServerProcess.start(bin, args);
      await stop(proc);
      const first = proc.lines()[0];
      strictEqual(first, `[${proc.pid}] [INF] Starting nats-server`);
      shapes.push(first.replace(/^\[\d+\]/, "[PID]"));
    }
    return shapes;
  });
  deepStrictEqual(seen, ["[PID] [INF] Starting nats-server", "[PID] [INF] Starting nats-server"]);
});

/** A session that exercises the trace lines nats-server prints for a client. */
async function session(port: number): Promise<void> {
  await using c = await RawClient.dial({ host: "127.0.0.1", port });
  await c.readInfo();
  await c.send(
    'CONNECT {"verbose":true,"user":"u","pass":"secret","protocol":1,"headers":true}\r\n' +
      "SUB foo 1\r\nSUB bar q 2\r\nPUB foo reply 5\r\nhe\x01lo\r\n" +
      "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPUB bar 0\r\n\r\nUNSUB 1\r\nPUB _GR_.x 2\r\nhi\r\n",
  );
  await c.flush();
}

/** Client lines (those with a `cid:`) with address, cid and pid normalized. */
function clientLines(lines: string[]): string[] {
  return lines.filter((l) => l.includes(" - cid:")).map(normalizeLine)
    .map((l) => l.replace(/\d+\.\d+\.\d+\.\d+:<PORT>/, "<ADDR>"));
}

Deno.test("-D, -V and -DV select debug and trace lines; traces have nats-server's shapes", async () => {
  const seen = await compare(async (bin) => {
    const byFlag: Record<string, string[]> = {};
    for (const flag of ["-D", "-V", "-DV"]) {
      await using proc = await ServerProcess.start(bin, ["-p", "-1", flag]);
      await session(await proc.clientPort());
      await proc.waitForLine(/Client connection closed|DELSUB 2\]$/);
      await stop(proc);
      byFlag[flag] = clientLines(proc.lines());
    }
    return byFlag;
  });
  const trace = [
    '[PID] [TRC] <ADDR> - cid:<N> - <<- [CONNECT {"verbose":true,"user":"u","pass":"[REDACTED]",' +
    '"protocol":1,"headers":true}]',
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [OK]",
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [SUB foo 1]",
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [OK]",
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [SUB bar q 2]",
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [OK]",
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [PUB foo reply 5]",
    '[PID] [TRC] <ADDR> - cid:<N> - <<- MSG_PAYLOAD: ["he\\x01lo"]',
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [OK]",
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [MSG foo 1 reply 5]",
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [HPUB foo 12 14]",
    '[PID] [TRC] <ADDR> - cid:<N> - <<- MSG_PAYLOAD: ["NATS/1.0\\r\\n\\r\\nhi"]',
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [OK]",
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [HMSG foo 1 12 14]",
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [PUB bar 0]",
    '[PID] [TRC] <ADDR> - cid:<N> - <<- MSG_PAYLOAD: [""]',
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [OK]",
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [MSG bar 2 0]",
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [UNSUB 1]",
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [OK]",
    "[PID] [TRC] <ADDR> - cid:<N> - <-> [DELSUB 1]",
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [PUB _GR_.x 2]",
    '[PID] [TRC] <ADDR> - cid:<N> - <<- MSG_PAYLOAD: ["hi"]',
    '[PID] [TRC] <ADDR> - cid:<N> - ->> [-ERR Permissions Violation for Publish to "_GR_.x"]',
    '[PID] [ERR] <ADDR> - cid:<N> - Publish Violation - User "u", Subject "_GR_.x"',
    "[PID] [TRC] <ADDR> - cid:<N> - <<- [PING]",
    "[PID] [TRC] <ADDR> - cid:<N> - ->> [PONG]",
  ];
  const created = "[PID] [DBG] <ADDR> - cid:<N> - Client connection created";
  const closed = "[PID] [DBG] <ADDR> - cid:<N> - Client connection closed: Client Closed";
  const delsub = "[PID] [TRC] <ADDR> - cid:<N> - <-> [DELSUB 2]";
  const violation = trace.filter((l) => l.includes("[ERR]"));
  deepStrictEqual(seen["-D"], [created, ...violation, closed]);
  deepStrictEqual(seen["-V"], [...trace, delsub]);
  deepStrictEqual(seen["-DV"], [created, ...trace, closed, delsub]);
});

Deno.test("-l writes the log to a file and nothing to stderr", async () => {
  const seen = await compare(async (bin, dir) => {
    const log = dir.file("server.log");
    await using proc = await ServerProcess.start(bin, ["-p", "-1", "-l", log], { logFile: log });
    await stop(proc);
    const text = Deno.readTextFileSync(log);
    return {
      stderr: proc.stderrLines(),
      endsWithNewline: text.endsWith("\n"),
      first: normalizeLine(text.split("\n")[0]),
      last: normalizeLine(text.trimEnd().split("\n").at(-1)!),
    };
  });
  deepStrictEqual(seen, {
    stderr: [],
    endsWithNewline: true,
    first: "[PID] [INF] Starting nats-server",
    last: "[PID] [INF] Server Exiting..",
  });
});

Deno.test("log_size_limit rotates to <file>.YYYY.MM.DD.HH.MM.SS.nanos and notes the backup", async () => {
  const seen = await compare(async (bin, dir) => {
    const log = dir.file("rot.log");
    const conf = dir.write("r.conf", `port: -1\nlog_file: "${log}"\nlog_size_limit: 1500\n`);
    await using proc = await ServerProcess.start(bin, ["-c", conf, "-V"], { logFile: log });
    await session(await proc.clientPort());
    await waitFor(() => dir.list().some((n) => n.startsWith("rot.log.")), 5000, "a backup");
    await stop(proc);
    const backups = dir.list().filter((n) => n.startsWith("rot.log."));
    for (const b of backups) match(b, /^rot\.log\.\d{4}\.\d\d\.\d\d\.\d\d\.\d\d\.\d\d\.\d{9}$/);
    const current = Deno.readTextFileSync(log).split("\n")[0];
    const rotated = backups.length > 0 &&
      current.endsWith(`[INF] Rotated log, backup saved as "${dir.file(backups.at(-1)!)}"\r`);
    const size = Deno.statSync(dir.file(backups[0])).size;
    return { rotated, firstBackupJustOverLimit: size > 1500 && size < 1500 + 400 };
  });
  deepStrictEqual(seen, { rotated: true, firstBackupJustOverLimit: true });
});

Deno.test("SIGUSR1 reopens the log file (logrotate): a moved file gets a fresh successor", async () => {
  const seen = await compare(async (bin, dir) => {
    const log = dir.file("reopen.log");
    await using proc = await ServerProcess.start(bin, ["-p", "-1", "-l", log], { logFile: log });
    Deno.renameSync(log, dir.file("reopen.log.1"));
    proc.signal("SIGUSR1");
    await proc.waitForLine(/File log re-opened$/);
    await stop(proc);
    return {
      fresh: Deno.readTextFileSync(log).split("\n").filter((l) => l).map(normalizeLine),
      oldEndsWithReady: Deno.readTextFileSync(dir.file("reopen.log.1")).trimEnd()
        .endsWith("[INF] Server is ready"),
    };
  });
  deepStrictEqual(seen, {
    fresh: [
      "[PID] [INF] File log re-opened",
      "[PID] [INF] Initiating Shutdown...",
      "[PID] [INF] Server Exiting..",
    ],
    oldEndsWithReady: true,
  });
});

Deno.test("client lines carry nats-server's CONNECT tag: \"v<version>:<lang>:<name>\" as Go's %q", async () => {
  const seen = await compare(async (bin) => {
    await using proc = await ServerProcess.start(bin, ["-p", "-1", "-D"]);
    const port = await proc.clientPort();
    // A real client: nats.js 2.29.3 sends version and lang, here a name too.
    const nc = await natsConnect({
      servers: `127.0.0.1:${port}`,
      name: "tagged",
      reconnect: false,
    });
    await nc.flush();
    await nc.close();
    await proc.waitForLine(/Client connection closed/);
    // Raw CONNECTs: name only, and a name Go must quote.
    for (
      const json of [
        '{"verbose":false,"name":"only"}',
        '{"verbose":false,"lang":"go","name":"a\\"b"}',
      ]
    ) {
      await using c = await RawClient.dial({ host: "127.0.0.1", port });
      await c.readInfo();
      await c.send(`CONNECT ${json}\r\nPING\r\n`);
      await c.flush();
    }
    await waitFor(
      () => proc.lines().filter((l) => l.includes("Client connection closed")).length >= 3 || null,
      5000,
      "three closed lines",
    );
    await stop(proc);
    // Sorted: the two raw clients' close lines may come in either order.
    return clientLines(proc.lines()).filter((l) => l.includes("closed")).sort();
  });
  deepStrictEqual(seen, [
    '[PID] [DBG] <ADDR> - cid:<N> - "go:a\\"b" - Client connection closed: Client Closed',
    '[PID] [DBG] <ADDR> - cid:<N> - "only" - Client connection closed: Client Closed',
    '[PID] [DBG] <ADDR> - cid:<N> - "v2.29.3:nats.js:tagged" - Client connection closed: Client Closed',
  ]);
});

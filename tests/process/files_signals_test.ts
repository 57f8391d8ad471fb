/**
 * @module
 * The harness contract of a running server, side by side with nats-server 2.9.10: the ports file
 * (`nats-server_<pid>.ports` through a `nats-server` symlink, pid = the spawned pid, so the
 * wrapper `exec`s), the pid file, the process name, SIGINT/SIGTERM exit codes and shutdown lines,
 * and `--signal <cmd>=<pid|pidfile>` against a running server. Runs real processes.
 */
import { deepStrictEqual, match, strictEqual } from "node:assert";
import {
  binaries,
  type Binary,
  normalizeLine,
  run,
  ServerProcess,
  TempDir,
  waitFor,
} from "./_proc.ts";

function readJson(path: string): Record<string, string[]> | null {
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return null;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs `scenario` once per binary (denats first) in its own directory; returns the results. */
async function eachBinary<T>(
  scenario: (bin: Binary, dir: TempDir) => Promise<T>,
): Promise<Map<string, T>> {
  await using root = await TempDir.create();
  const results = new Map<string, T>();
  for (const bin of binaries(root)) {
    await using dir = await TempDir.create();
    results.set(bin.kind, await scenario(bin, dir));
  }
  return results;
}

/** Asserts that nats-server (when it ran) gave the same result as denats. */
function sameAsReference<T>(results: Map<string, T>, what: string): T {
  const denats = results.get("denats")!;
  if (results.has("nats-server")) deepStrictEqual(denats, results.get("nats-server"), what);
  return denats;
}

Deno.test("ports file is <argv0>_<pid>.ports with nats and monitoring URLs, gone after SIGTERM", async () => {
  const results = await eachBinary(async (bin, dir) => {
    await using proc = await ServerProcess.start(bin, [
      "-p",
      "-1",
      "-m",
      "-1",
      "--ports_file_dir",
      dir.path,
    ]);
    const path = dir.file(`nats-server_${proc.pid}.ports`);
    const ports = await waitFor(() => readJson(path), 5000, "ports file");
    const port = await proc.clientPort();
    strictEqual(ports.nats.every((u) => u.endsWith(`:${port}`)), true);
    proc.signal("SIGTERM");
    const status = await proc.waitExit();
    // nats-server 2.9.10's signal handler calls os.Exit(1) after Shutdown, racing main(), which
    // returns 0 once Shutdown is done: it exits 1 or, now and then, 0.
    const racy = bin.kind === "nats-server" && status.code === 0;
    return {
      keys: Object.keys(ports),
      nats: ports.nats.map((u) => u.replace(/:\d+$/, ":<PORT>")),
      monitoring: ports.monitoring.map((u) => u.replace(/:\d+$/, ":<PORT>")),
      exitCode: racy ? 1 : status.code,
      leftover: dir.list().filter((n) => n.endsWith(".ports")),
      tail: proc.lines().slice(-2).map(normalizeLine),
    };
  });
  const denats = sameAsReference(results, "ports file");
  deepStrictEqual(denats.keys, ["nats", "monitoring"]);
  strictEqual(denats.nats[0], "nats://127.0.0.1:<PORT>");
  strictEqual(denats.monitoring[0], "http://127.0.0.1:<PORT>");
  // nats-server 2.9.10 exits 1 after SIGTERM (signal.go: Shutdown, os.Exit(1)).
  strictEqual(denats.exitCode, 1);
  deepStrictEqual(denats.leftover, []);
  deepStrictEqual(denats.tail, [
    "[PID] [INF] Initiating Shutdown...",
    "[PID] [INF] Server Exiting..",
  ]);
});

Deno.test("SIGINT exits 0 and removes the ports file; the pid file holds the bare pid and stays", async () => {
  const results = await eachBinary(async (bin, dir) => {
    const pidFile = dir.file("server.pid");
    await using proc = await ServerProcess.start(bin, [
      "-p",
      "-1",
      "-P",
      pidFile,
      "--ports_file_dir",
      dir.path,
    ]);
    strictEqual(Deno.readTextFileSync(pidFile), String(proc.pid));
    const mode = Deno.statSync(pidFile).mode! & 0o777;
    await waitFor(() => exists(dir.file(`nats-server_${proc.pid}.ports`)), 5000, "ports file");
    proc.signal("SIGINT");
    const status = await proc.waitExit();
    return {
      exitCode: status.code,
      pidFileKept: exists(pidFile),
      pidFileWritable: (mode & 0o600) === 0o600,
      leftover: dir.list().filter((n) => n.endsWith(".ports")),
      tail: proc.lines().slice(-2).map(normalizeLine),
    };
  });
  const denats = sameAsReference(results, "SIGINT");
  deepStrictEqual(denats, {
    exitCode: 0,
    pidFileKept: true,
    pidFileWritable: true,
    leftover: [],
    tail: ["[PID] [INF] Initiating Shutdown...", "[PID] [INF] Server Exiting.."],
  });
});

Deno.test("the process is named after the command, so ps and pgrep see nats-server", async () => {
  const results = await eachBinary(async (bin) => {
    await using proc = await ServerProcess.start(bin, ["-p", "-1"]);
    return Deno.readTextFileSync(`/proc/${proc.pid}/comm`).trim();
  });
  strictEqual(sameAsReference(results, "comm"), "nats-server");
});

Deno.test("a pid file that cannot be written is fatal", async () => {
  const results = await eachBinary(async (bin, dir) => {
    const out = await run(bin.path, ["-p", "-1", "-P", dir.file("no/such/dir.pid")]);
    const last = out.stderr.trimEnd().split("\n").at(-1)!;
    return { code: out.code, last: normalizeLine(last).replace(dir.path, "<DIR>") };
  });
  deepStrictEqual(sameAsReference(results, "pid file error"), {
    code: 1,
    last:
      "[PID] [FTL] Could not write pidfile: open <DIR>/no/such/dir.pid: no such file or directory",
  });
});

Deno.test("--signal quit/term/stop=<pid> stop a running server with each signal's exit", async () => {
  const results = await eachBinary(async (bin) => {
    const exits: Record<string, string> = {};
    for (const command of ["quit", "term", "stop"]) {
      await using proc = await ServerProcess.start(bin, ["-p", "-1"]);
      const sent = await run(bin.path, ["--signal", `${command}=${proc.pid}`]);
      deepStrictEqual(sent, { code: 0, stdout: "", stderr: "" });
      const status = await proc.waitExit();
      // SIGTERM: nats-server's os.Exit(1) races its main() returning 0 (see the SIGTERM test).
      const code = bin.kind === "nats-server" && command === "term" && status.code === 0
        ? 1
        : status.code;
      exits[command] = status.signal ?? `exit ${code}`;
    }
    return exits;
  });
  deepStrictEqual(sameAsReference(results, "--signal exits"), {
    quit: "exit 0",
    term: "exit 1",
    stop: "SIGKILL",
  });
});

Deno.test("--signal reopen/reload=<pidfile> reach the server named in a pid file", async () => {
  const results = await eachBinary(async (bin, dir) => {
    const conf = dir.write("s.conf", "port: -1\n");
    const pidFile = dir.file("s.pid");
    await using proc = await ServerProcess.start(bin, ["-c", conf, "-P", pidFile, "-D"]);
    const seen: string[] = [];
    for (
      const [command, expect] of [
        ["reopen", /File log re-open ignored, not a file logger$/],
        ["reload", /Reloaded server configuration$/],
      ] as const
    ) {
      const from = proc.lines().length;
      deepStrictEqual(await run(bin.path, ["--signal", `${command}=${pidFile}`]), {
        code: 0,
        stdout: "",
        stderr: "",
      });
      await proc.waitForLine(expect, 5000, from);
      seen.push(...proc.lines().slice(from).map(normalizeLine));
    }
    proc.signal("SIGINT");
    await proc.waitExit();
    return seen;
  });
  const denats = results.get("denats")!;
  match(denats.join("\n"), /\[DBG\] Trapped "user defined signal 1" signal/);
  match(denats.join("\n"), /\[DBG\] Trapped "hangup" signal/);
  const ref = results.get("nats-server");
  if (ref) {
    const notices = (lines: string[]) => lines.filter((l) => !l.includes("[DBG]"));
    deepStrictEqual(notices(denats), notices(ref));
  }
});

Deno.test("SIGHUP without -c logs that reload needs a config file; server keeps running", async () => {
  const results = await eachBinary(async (bin) => {
    await using proc = await ServerProcess.start(bin, ["-p", "-1"]);
    proc.signal("SIGHUP");
    const line = await proc.waitForLine(/Failed to reload/);
    const stillUp = !proc.exited;
    proc.signal("SIGINT");
    await proc.waitExit();
    return { line: normalizeLine(line), stillUp };
  });
  deepStrictEqual(sameAsReference(results, "reload without -c"), {
    line: "[PID] [ERR] Failed to reload server configuration: can only reload config when a " +
      "file is provided using -c or --config",
    stillUp: true,
  });
});

Deno.test("ports file lists every listener (nats, monitoring, cluster, websocket) as nats-server", async () => {
  const results = await eachBinary(async (bin, dir) => {
    const conf = dir.write(
      "all.conf",
      [
        "port: -1",
        "http_port: -1",
        "cluster { name: pf, listen: 127.0.0.1:-1 }",
        "websocket { port: -1, no_tls: true }",
      ].join("\n"),
    );
    await using proc = await ServerProcess.start(bin, ["-c", conf, "--ports_file_dir", dir.path]);
    const path = dir.file(`nats-server_${proc.pid}.ports`);
    const ports = await waitFor(() => readJson(path), 5000, "ports file");
    const shape: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(ports)) {
      shape[k] = v.map((u) => u.replace(/:\d+$/, ":<PORT>"));
    }
    return { keys: Object.keys(ports).sort(), cluster: shape.cluster, ws: shape.websocket[0] };
  });
  const denats = sameAsReference(results, "ports file with every listener");
  deepStrictEqual(denats.keys, ["cluster", "monitoring", "nats", "websocket"]);
  deepStrictEqual(denats.cluster, ["nats://127.0.0.1:<PORT>"]);
  strictEqual(denats.ws, "ws://127.0.0.1:<PORT>");
});

Deno.test("ports file of a sharded server lists the cluster listener too", async () => {
  await using dir = await TempDir.create();
  const [bin] = binaries(dir);
  const conf = dir.write("c.conf", "port: -1\ncluster { name: pf, listen: 127.0.0.1:-1 }\n");
  await using proc = await ServerProcess.start(bin, [
    "-c",
    conf,
    "--shards",
    "2",
    "--ports_file_dir",
    dir.path,
  ]);
  const path = dir.file(`nats-server_${proc.pid}.ports`);
  const ports = await waitFor(() => readJson(path), 10000, "ports file");
  match(ports.cluster?.[0] ?? "", /^nats:\/\/127\.0\.0\.1:\d+$/);
});

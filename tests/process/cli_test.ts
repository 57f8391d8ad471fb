/**
 * @module
 * The command line as a process contract, side by side with nats-server 2.9.10: `-v`, `-h`,
 * unknown flags, `-t`, config errors at startup, a port already in use and `--signal` errors
 * compare stdout, stderr and exit code. Runs real processes from the test isolate.
 */
import { deepStrictEqual, match, strictEqual } from "node:assert";
import { DENATS_VERSION } from "../../server/version.ts";
import { binaries, DENATS_BIN, normalizeLine, type Output, run, TempDir } from "./_proc.ts";

const GOOD_CONF = "port: 4999\nmax_payload: 2048\n";
const FILES: Record<string, string> = {
  "good.conf": GOOD_CONF,
  "bad.conf": "port: 4999\nfoo {\n",
  "unknown.conf": "port: 4999\nunknown_key: 1\n",
  "badtype.conf": 'port: "abc"\n',
  "ldm_short.conf": 'lame_duck_duration: "2s"\n',
  "ldm_grace.conf": 'lame_duck_duration: "30s"\nlame_duck_grace_period: "40s"\n',
  "nl.pid": "99999999\n",
  "ok.pid": "99999999",
};

/** Runs `args` in a fresh directory holding {@link FILES} with every binary; returns outputs. */
async function runAll(args: string[]): Promise<Map<string, Output>> {
  await using dir = await TempDir.create();
  for (const [name, text] of Object.entries(FILES)) dir.write(name, text);
  const outputs = new Map<string, Output>();
  for (const bin of binaries(dir)) {
    outputs.set(bin.kind, await run(bin.path, args, { cwd: dir.path }));
  }
  return outputs;
}

/** Asserts denats printed `expected` and that nats-server (when present) printed the same. */
async function same(args: string[], expected: Output): Promise<void> {
  const outputs = await runAll(args);
  const denats = outputs.get("denats")!;
  deepStrictEqual(denats, expected, `denats ${args.join(" ")}`);
  const ref = outputs.get("nats-server");
  if (ref) deepStrictEqual(denats, ref, `denats vs nats-server: ${args.join(" ")}`);
}

Deno.test("-v prints nats-server's version line on stdout and exits 0", async () => {
  await same(["-v"], { code: 0, stdout: "nats-server: v2.9.10\n", stderr: "" });
  await same(["--version"], { code: 0, stdout: "nats-server: v2.9.10\n", stderr: "" });
});

Deno.test("-h prints nats-server's usage text byte for byte, then denats' own flags", async () => {
  const outputs = await runAll(["-h"]);
  const denats = outputs.get("denats")!;
  strictEqual(denats.code, 0);
  match(denats.stdout, /^\nUsage: nats-server \[options\]\n/);
  // The one allowed difference: denats' own section after nats-server's text.
  const own = denats.stdout.indexOf("denats Options:\n");
  strictEqual(
    denats.stdout.slice(own),
    "denats Options:\n" +
      "        --shards <number>            Shard workers sharing the client port (default: 1)\n" +
      `\ndenats v${DENATS_VERSION}, implementing nats-server v2.9.10\n`,
  );
  const ref = outputs.get("nats-server");
  if (ref) deepStrictEqual({ ...denats, stdout: denats.stdout.slice(0, own) }, ref);
  const help = (await runAll(["--help"])).get("denats")!;
  deepStrictEqual(help, denats);
});

Deno.test("an unknown flag prints Go's flag error and the usage, like nats-server", async () => {
  const outputs = await runAll(["--bogus"]);
  const denats = outputs.get("denats")!;
  strictEqual(denats.stderr, "flag provided but not defined: -bogus\n");
  match(denats.stdout, /Usage: nats-server/);
  const ref = outputs.get("nats-server");
  if (ref) deepStrictEqual(denats, ref);
});

Deno.test("-t -c with a valid file reports it valid on stderr and exits 0", async () => {
  await same(["-t", "-c", "good.conf"], {
    code: 0,
    stdout: "",
    stderr: "nats-server: configuration file good.conf is valid\n",
  });
});

Deno.test("-t -c with broken files prints nats-server's exact errors and exits 1", async () => {
  await same(["-t", "-c", "bad.conf"], {
    code: 1,
    stdout: "",
    stderr: "nats-server: Parse error on line 3: 'Unexpected EOF processing map.'\n",
  });
  await same(["-t", "-c", "unknown.conf"], {
    code: 1,
    stdout: "",
    stderr: 'nats-server: unknown.conf:2:1: unknown field "unknown_key"\n\n',
  });
  await same(["-t", "-c", "badtype.conf"], {
    code: 1,
    stdout: "",
    stderr: "nats-server: badtype.conf:1:0: interface conversion: interface {} is string, " +
      "not int64\n\n",
  });
  await same(["-t", "-c", "missing.conf"], {
    code: 1,
    stdout: "",
    stderr: "nats-server: open missing.conf: no such file or directory\n",
  });
  await same(["-t"], {
    code: 1,
    stdout: "",
    stderr: "nats-server: must specify [-c, --config] option to check configuration file syntax\n",
  });
});

Deno.test("config errors at startup print the error and exit 1 without starting", async () => {
  await same(["-c", "bad.conf"], {
    code: 1,
    stdout: "",
    stderr: "nats-server: Parse error on line 3: 'Unexpected EOF processing map.'\n",
  });
  await same(["-c", "ldm_short.conf"], {
    code: 1,
    stdout: "",
    stderr: "nats-server: ldm_short.conf:1:0: invalid lame_duck_duration of 2s, minimum is " +
      "30 seconds\n\n",
  });
  await same(["-c", "ldm_grace.conf", "-p", "-1"], {
    code: 1,
    stdout: "",
    stderr: "nats-server: lame duck grace period (40s) should be strictly lower than lame duck " +
      "duration (30s)\n",
  });
});

Deno.test("a port already in use is fatal: [FTL] Error listening on port, exit 1", async () => {
  await using listener = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const outputs = await runAll(["-p", String(port), "-T=false"]);
  const denats = outputs.get("denats")!;
  strictEqual(denats.code, 1);
  const lines = denats.stderr.trimEnd().split("\n");
  strictEqual(
    lines.at(-1)!.replace(/^\[\d+\] /, ""),
    `[FTL] Error listening on port: 0.0.0.0:${port}, "listen tcp 0.0.0.0:${port}: bind: ` +
      `address already in use"`,
  );
  const ref = outputs.get("nats-server");
  if (ref) {
    strictEqual(ref.code, denats.code);
    deepStrictEqual(
      // Less the one line denats adds to the banner: its own version.
      denats.stderr.split("\n").map(normalizeLine)
        .filter((l) => l !== `[PID] [INF]   denats:   ${DENATS_VERSION}`),
      ref.stderr.split("\n").map(normalizeLine),
    );
  }
});

Deno.test("--signal errors: unknown command, bad pid, pid file contents, dead pid", async () => {
  const fail = (stderr: string): Output => ({ code: 1, stdout: "", stderr });
  await same(["--signal", "bogus=99999999"], fail('nats-server: unknown signal "bogus"\n'));
  await same(["--signal", "reload=abc"], fail("nats-server: invalid pid: abc\n"));
  await same(["--signal", "bogus=abc"], fail("nats-server: invalid pid: abc\n"));
  await same(["--signal", "reload=1=2"], fail("nats-server: invalid signal parameters: [2]\n"));
  await same(["--signal", "quit=99999999"], fail("nats-server: no such process\n"));
  await same(["-sl", "quit=ok.pid"], fail("nats-server: no such process\n"));
  // The pid file is read as is: a trailing newline makes the pid invalid, as in nats-server.
  await same(["--signal", "quit=nl.pid"], fail("nats-server: invalid pid: 99999999\n\n"));
  await same(["--signal", "quit=99*"], fail("nats-server: invalid pid: 99*\n"));
});

Deno.test("a log file that cannot be opened is fatal, with Go's log.Fatalf line", async () => {
  const outputs = await runAll(["-p", "-1", "-l", "no/such/dir/server.log"]);
  const stamp = (o: Output) => ({
    ...o,
    stderr: o.stderr.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, "<TIME> "),
  });
  const denats = stamp(outputs.get("denats")!);
  deepStrictEqual(denats, {
    code: 1,
    stdout: "",
    stderr: "<TIME> error opening file: open no/such/dir/server.log: no such file or directory\n",
  });
  const ref = outputs.get("nats-server");
  if (ref) deepStrictEqual(denats, stamp(ref));
});

/** Runs denats and nats-server with `args`; asserts both log `fatal` last and exit 1. */
async function sameFatal(args: string[], fatal: string): Promise<void> {
  const outputs = await runAll(args);
  for (const [kind, out] of outputs) {
    strictEqual(out.code, 1, `${kind} exit code`);
    const last = out.stderr.trimEnd().split("\n").at(-1)!.replace(/^\[\d+\] [\d/:. ]+ /, "");
    strictEqual(last, `[FTL] ${fatal}`, kind);
  }
}

Deno.test("startup listener errors are worded as nats-server's, exit 1", async (t) => {
  await using taken = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  const inUse = `listen tcp 0.0.0.0:${port}: bind: address already in use`;
  await t.step("monitor port in use", () =>
    sameFatal(
      ["-p", "-1", "-m", String(port)],
      `Can't start monitoring: can't listen to the monitor port: ${inUse}`,
    ));
  await t.step("route port in use", () =>
    sameFatal(
      ["-p", "-1", "--cluster", `nats://0.0.0.0:${port}`],
      `Error listening on router port: ${port} - ${inUse}`,
    ));
  await t.step("-m -5", () =>
    sameFatal(
      ["-m", "-5"],
      "Can't start monitoring: can't listen to the monitor port: listen tcp: address -5: " +
        "invalid port",
    ));
  await t.step("-p 99999", () =>
    sameFatal(
      ["-p", "99999"],
      'Error listening on port: 0.0.0.0:99999, "listen tcp: address 99999: invalid port"',
    ));
  await t.step("client port in use with --shards 2 (denats only)", async () => {
    const out = await run(DENATS_BIN, ["-p", String(port), "--shards", "2"]);
    strictEqual(out.code, 1);
    strictEqual(
      out.stderr.trimEnd().split("\n").at(-1)!.replace(/^\[\d+\] [\d/:. ]+ /, ""),
      `[FTL] Error listening on port: 0.0.0.0:${port}, "${inUse}"`,
    );
  });
});

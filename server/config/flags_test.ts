/**
 * @module
 * Tests for the command-line flags: names, aliases, Go syntax and errors, usage text.
 */

import assert from "node:assert/strict";
import type { ServerOptions } from "../options.ts";
import { parseFlags } from "./flags.ts";
import { tlsHelpText, usage, usageText } from "./usage.ts";

function flagOptions(...args: string[]): Partial<ServerOptions> {
  const parsed = parseFlags(args);
  assert.equal(parsed.error, undefined, args.join(" "));
  return parsed.options;
}

function flagError(...args: string[]): string {
  const parsed = parseFlags(args);
  assert.ok(parsed.error, `expected an error for ${args.join(" ")}`);
  return parsed.error.message;
}

Deno.test("every supported flag and alias sets its option", () => {
  const cases: [string[], Partial<ServerOptions>][] = [
    [["-a", "1.2.3.4"], { host: "1.2.3.4" }],
    [["--addr", "1.2.3.5"], { host: "1.2.3.5" }],
    [["--net", "1.2.3.6"], { host: "1.2.3.6" }],
    [["-p", "4333"], { port: 4333 }],
    [["--port", "4334"], { port: 4334 }],
    [["-n", "a"], { serverName: "a" }],
    [["--name", "b"], { serverName: "b" }],
    [["--server_name", "c"], { serverName: "c" }],
    [["-P", "/tmp/p"], { pidFile: "/tmp/p" }],
    [["--pid", "/tmp/q"], { pidFile: "/tmp/q" }],
    [["-m", "8222"], { httpPort: 8222 }],
    [["--http_port", "8223"], { httpPort: 8223 }],
    [["-ms", "8443"], { httpsPort: 8443 }],
    [["--https_port", "8444"], { httpsPort: 8444 }],
    [["--client_advertise", "x:1"], { clientAdvertise: "x:1" }],
    [["--ports_file_dir", "/tmp"], { portsFileDir: "/tmp" }],
    [["-l", "/tmp/a.log"], { logFile: "/tmp/a.log" }],
    [["--log", "/tmp/b.log"], { logFile: "/tmp/b.log" }],
    [["--log_size_limit", "1024"], { logSizeLimit: 1024 }],
    [["-T"], { logtime: true }],
    [["-T=false"], { logtime: false }],
    [["--logtime=0"], { logtime: false }],
    [["-s"], { syslog: true }],
    [["--syslog"], { syslog: true }],
    [["-r", "udp://h:514"], { remoteSyslog: "udp://h:514" }],
    [["--remote_syslog", "udp://h:515"], { remoteSyslog: "udp://h:515" }],
    [["-D"], { debug: true }],
    [["--debug"], { debug: true }],
    [["-V"], { trace: true }],
    [["--trace"], { trace: true }],
    [["-VV"], { trace: true, traceVerbose: true }],
    [["-DV"], { debug: true, trace: true }],
    [["-DVV"], { debug: true, trace: true, traceVerbose: true }],
    [["--user", "u"], { username: "u" }],
    [["--pass", "p"], { password: "p" }],
    [["--auth", "t"], { authorizationToken: "t" }],
    [["--max_traced_msg_len", "64"], { maxTracedMsgLen: 64 }],
  ];
  for (const [args, expected] of cases) {
    assert.deepEqual(flagOptions(...args), expected, args.join(" "));
  }
});

Deno.test("flags follow Go syntax: one or two dashes, =value or next argument", () => {
  for (
    const args of [["-p", "1"], ["-p=1"], ["--p", "1"], ["--p=1"], ["-port=1"], ["--port", "1"]]
  ) {
    assert.deepEqual(flagOptions(...args), { port: 1 }, args.join(" "));
  }
  assert.deepEqual(flagOptions("-p", "0x10"), { port: 16 });
  assert.deepEqual(flagOptions("-p", "010"), { port: 8 });
  assert.deepEqual(flagOptions("-p", "0b1_01"), { port: 5 });
  assert.deepEqual(flagOptions("-p", "-1"), { port: -1 });
  assert.deepEqual(flagOptions("-n", "-dash-name"), { serverName: "-dash-name" });
  assert.deepEqual(flagOptions("-D=t", "-V=FALSE"), { debug: true, trace: false });
  assert.deepEqual(flagOptions("-p", "1", "-p", "2"), { port: 2 });
});

Deno.test("combined log flags override -D and -V in nats-server's order", () => {
  assert.deepEqual(flagOptions("-DV", "-D=false"), { debug: true, trace: true });
  assert.deepEqual(flagOptions("-DVV", "-VV=false"), {
    debug: true,
    trace: false,
    traceVerbose: false,
  });
  assert.deepEqual(flagOptions("-DV=false", "-V"), { debug: false, trace: false });
});

Deno.test("flag errors read like Go's flag package", () => {
  assert.equal(flagError("-foo"), "flag provided but not defined: -foo");
  assert.equal(flagError("--foo=1"), "flag provided but not defined: -foo");
  assert.equal(flagError("-p"), "flag needs an argument: -p");
  assert.equal(flagError("-p", "abc"), 'invalid value "abc" for flag -p: parse error');
  assert.equal(
    flagError("--port=99999999999999999999"),
    'invalid value "99999999999999999999" for flag -port: value out of range',
  );
  assert.equal(flagError("-D=maybe"), 'invalid boolean value "maybe" for -D: parse error');
  assert.equal(flagError("---x"), "bad flag syntax: ---x");
  assert.equal(flagError("-=x"), "bad flag syntax: -=x");
  assert.equal(parseFlags(["-foo"]).error?.kind, "flag");
});

Deno.test("positional arguments are sub-commands: version, help, or an error", () => {
  assert.equal(parseFlags(["version"]).showVersion, true);
  assert.equal(parseFlags(["HELP"]).showHelp, true);
  assert.deepEqual(parseFlags(["-D", "false"]).error, {
    kind: "command",
    message: 'unrecognized command: "false"',
  });
  assert.equal(parseFlags(["-v", "foo"]).showVersion, true);
  assert.equal(parseFlags(["foo", "-v"]).error?.message, 'unrecognized command: "foo"');
  assert.deepEqual(parseFlags(["--", "-v"]).args, ["-v"]);
});

Deno.test("help, version and TLS help flags are reported", () => {
  for (const flag of ["-h", "--help"]) assert.equal(parseFlags([flag]).showHelp, true);
  for (const flag of ["-v", "--version"]) assert.equal(parseFlags([flag]).showVersion, true);
  assert.equal(parseFlags(["--help_tls"]).showTlsHelp, true);
});

Deno.test("config file and test mode flags", () => {
  assert.equal(parseFlags(["-c", "a.conf"]).configFile, "a.conf");
  assert.equal(parseFlags(["--config=b.yaml"]).configFile, "b.yaml");
  const test = parseFlags(["-t", "-c", "a.conf"]);
  assert.equal(test.testConfig, true);
  assert.equal(test.error, undefined);
  assert.deepEqual(parseFlags(["-t"]).error, {
    kind: "command",
    message: "must specify [-c, --config] option to check configuration file syntax",
  });
  assert.equal(parseFlags(["-c", "", "-t"]).configFile, undefined);
});

Deno.test("signal requests carry the command and an optional pid", () => {
  assert.deepEqual(parseFlags(["-sl", "reload"]).signal, { command: "reload" });
  assert.deepEqual(parseFlags(["--signal=stop=/var/run/n.pid"]).signal, {
    command: "stop",
    pid: "/var/run/n.pid",
  });
  assert.equal(parseFlags(["-sl", "a=b=c"]).error?.message, "invalid signal parameters: [c]");
});

Deno.test("cluster, TLS and JetStream flags are kept for their code; profiling is unsupported", () => {
  const parsed = parseFlags([
    "--cluster",
    "nats://127.0.0.1:6222",
    "--cluster_name=c",
    "--routes",
    "nats://a:1",
    "--no_advertise",
    "--connect_retries",
    "3",
    "--cluster_advertise",
    "x:1",
    "--cluster_listen",
    "nats://0.0.0.0:6222",
    "-js",
    "-sd",
    "/data",
    "--tls",
    "--tlscert",
    "c",
    "--tlskey",
    "k",
    "--tlscacert",
    "ca",
    "--tlsverify",
    "--profile",
    "6060",
  ]);
  assert.equal(parsed.error, undefined);
  assert.deepEqual(parsed.options, {});
  // Cluster, TLS and JetStream flags are applied from `pending` (cluster_options.ts,
  // tls_options.ts, jetstream_block.ts applyJetStreamFlags).
  assert.deepEqual(parsed.unsupported, ["--profile"]);
  assert.deepEqual(parsed.pending, {
    cluster: "nats://0.0.0.0:6222",
    cluster_name: "c",
    routes: "nats://a:1",
    no_advertise: true,
    connect_retries: 3,
    cluster_advertise: "x:1",
    js: true,
    sd: "/data",
    tls: true,
    tlscert: "c",
    tlskey: "k",
    tlscacert: "ca",
    tlsverify: true,
    profile: 6060,
  });
});

Deno.test("the usage text keeps nats-server's layout with our binary name", () => {
  const lines = usage.split("\n");
  assert.equal(lines[0], "");
  assert.equal(lines[1], "Usage: denats [options]");
  assert.ok(
    usage.includes("    -p, --port <port>                Use port for clients (default: 4222)\n"),
  );
  assert.ok(usage.includes("Send signal to denats process"));
  assert.ok(usage.endsWith("        --help_tls                   TLS help\n"));
  assert.equal(usageText("nats-server").split("\n").length, 64);
  assert.ok(tlsHelpText.includes("Available curve preferences include:\n    X25519\n"));
});

/**
 * @module
 * Compatibility with the reference server: the same configs and flags go through
 * `nats-server -t` (2.9.10) and through denats' pipeline; both must accept and reject the same
 * ones, with the same report. Skipped, with a message, when `nats-server` is not on PATH.
 * Only arguments that make nats-server exit at once are used (it never starts listening).
 */
import assert from "node:assert/strict";
import { type ConfigResult, parseConfigText } from "./normalize.ts";
import { formatConfigFailure } from "./issues.ts";
import { parseFlags } from "./flags.ts";
import { tlsHelpText, usageText } from "./usage.ts";
import { fixtureFiles, FIXTURES_DIR } from "./test_helpers.ts";
import { LINK_BLOCK_CASES, withFile } from "./link_block_cases.ts";

const FIXTURE_ENV = { DENATS_FIXTURE_PAYLOAD: "512KB" };

function natsServerVersion(): string | undefined {
  try {
    const out = new Deno.Command("nats-server", { args: ["--version"] }).outputSync();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return undefined;
  }
}

const version = natsServerVersion();
const ignore = version === undefined;
if (ignore) console.log("compat_test: nats-server not on PATH, skipping compatibility tests");
else if (!version!.includes("v2.9.10")) {
  console.log(`compat_test: found ${version}; expectations are for nats-server v2.9.10`);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function natsServer(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const out = new Deno.Command("nats-server", { args, cwd, env, stdin: "null" }).outputSync();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** What nats-server prints to stderr for `-t -c <file>`, predicted from our result. */
function predictedCheck(file: string, result: ConfigResult): Run {
  if (result.errors.length === 0 && result.warnings.length === 0) {
    return { code: 0, stdout: "", stderr: `nats-server: configuration file ${file} is valid\n` };
  }
  return { code: 1, stdout: "", stderr: `nats-server: ${formatConfigFailure(result)}\n` };
}

/** Error lines come from Go map iteration, so their order is random: compare sorted. */
function sortedLines(text: string): string[] {
  return text.replace(/^nats-server: /, "").split("\n").sort();
}

/**
 * Snippets whose error position depends on which of two top-level blocks Go's map iteration
 * visits first: nats-server itself names either position from run to run.
 */
const RANDOM_POSITION = new Set([
  "accounts { A { users: [{user: x}] } }\nauthorization { users: [{user: x}] }\n",
]);

function withoutPositions(lines: string[]): string[] {
  return lines.map((line) => line.replace(/^(\S+\.conf):\d+:\d+: /, "$1: "));
}

function assertSameCheck(theirs: Run, ours: Run, label: string, anyPosition = false): void {
  assert.equal(ours.code, theirs.code, `${label}: exit code\n${theirs.stderr}`);
  const strip = anyPosition ? withoutPositions : (lines: string[]) => lines;
  assert.deepEqual(strip(sortedLines(ours.stderr)), strip(sortedLines(theirs.stderr)), label);
}

function fixtureNames(dir: string): string[] {
  return [...Deno.readDirSync(FIXTURES_DIR + dir)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".conf"))
    .map((entry) => (dir ? `${dir}/` : "") + entry.name)
    .sort();
}

function loadFixture(path: string): ConfigResult {
  return parseConfigText(fixtureFiles(path), {
    file: path,
    readFile: fixtureFiles,
    env: (name) => (FIXTURE_ENV as Record<string, string>)[name],
  });
}

Deno.test({
  name: "nats-server and denats accept the same valid fixtures",
  ignore,
  fn() {
    for (const file of fixtureNames("")) {
      const theirs = natsServer(["-t", "-c", file], FIXTURES_DIR, FIXTURE_ENV);
      assertSameCheck(theirs, predictedCheck(file, loadFixture(file)), file);
      assert.equal(theirs.code, 0, file);
    }
  },
});

Deno.test({
  name: "nats-server and denats reject the same invalid fixtures with the same report",
  ignore,
  fn() {
    for (const file of fixtureNames("invalid")) {
      const theirs = natsServer(["-t", "-c", file], FIXTURES_DIR, FIXTURE_ENV);
      assertSameCheck(theirs, predictedCheck(file, loadFixture(file)), file);
      assert.equal(theirs.code, 1, file);
    }
  },
});

/** Snippets covering lexer quirks, types and blocks; each has one deterministic report. */
const SNIPPETS = [
  "port: 4222\n",
  "port = 4222; debug yes, trace off\n",
  '{ "port": 4222, "debug": true }\n',
  "a = [1, 2]\n",
  "server_tags: [a, b ]\n",
  "port: 1.5.\n",
  "x = 2023-01-01\n",
  "x: [,]\n",
  "= 5\n",
  'x = "\\q"\n',
  "include 5\n",
  "port: 99999999999999999999\n",
  "P = 4222\nport = $P\n",
  "P = 4222\n",
  "port: $DENATS_COMPAT_NOT_SET\n",
  "port: 1kbb\n",
  "write_deadline: 1.5\n",
  "write_deadline: 127.0.0.1:4222\n",
  'lame_duck_duration: "1m"\nlame_duck_grace_period: "-1s"\n',
  'listen: 127.0.0.1:4222\nhttp: 8222\nhttps: "[::1]:8443"\n',
  "max_payload: 3GB\nmax_control_line: 2GB\n",
  "authorization { users = [ {user: a, permissions: {publish: 5}} ] }\n",
  "authorization { users = [ {user: a, permissions: {allow_responses: 5}} ] }\n",
  "authorization { user: 123 }\n",
  "authorization { user: a, users: [] }\n",
  "accounts { A { users: [{user: x}] } }\nauthorization { users: [{user: x}] }\n",
  "system_account: 5\n",
  'jetstream: "maybe"\n',
  "tls { foo: 1 }\n",
  "resolver: MEM\nresolver_preload { A: 5 }\n",
  "mappings { a: {dest: b} }\n",
  "x (\nblock\n)\n",
];

Deno.test({
  name: "nats-server and denats report the same for config snippets",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denats-compat-" });
    try {
      for (const [index, text] of SNIPPETS.entries()) {
        const file = `s${index}.conf`;
        await Deno.writeTextFile(`${dir}/${file}`, text);
        const theirs = natsServer(["-t", "-c", file], dir);
        const ours = parseConfigText(text, { file, env: () => undefined });
        const anyPosition = RANDOM_POSITION.has(text);
        assertSameCheck(theirs, predictedCheck(file, ours), JSON.stringify(text), anyPosition);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "nats-server and denats report the same for every invalid link-block case",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denats-compat-links-" });
    try {
      for (const [index, { text, report, keyOrderDependent }] of LINK_BLOCK_CASES.entries()) {
        if (keyOrderDependent) continue;
        const file = `l${index}.conf`;
        await Deno.writeTextFile(`${dir}/${file}`, text);
        const theirs = natsServer(["-t", "-c", file], dir);
        const ours = parseConfigText(text, { file, env: () => undefined });
        assertSameCheck(theirs, predictedCheck(file, ours), JSON.stringify(text));
        // The recorded fixture texts are nats-server's too.
        const recorded = report.map((line) => withFile(file, line)).sort();
        const printed = sortedLines(theirs.stderr).filter((line) => line !== "");
        assert.deepEqual(printed, recorded, JSON.stringify(text));
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Flag lines that make nats-server exit before it starts a server. */
const FLAG_CASES = [
  ["-foo"],
  ["--foo=1"],
  ["-p", "abc"],
  ["-p"],
  ["--port=99999999999999999999"],
  ["-D=maybe"],
  ["---x"],
  ["-t"],
  ["foo"],
  ["-D", "false"],
  ["version"],
  ["-v"],
  ["--version"],
  ["-h"],
  ["--help"],
  ["help"],
  ["--help_tls"],
  ["-sl", "a=b=c"],
  ["-js", "-sd"],
  ["-t", "-c", "basic.conf"],
  ["-DV", "-p=0x10", "-t"],
];

Deno.test({
  name: "nats-server and denats handle the same command lines alike",
  ignore,
  fn() {
    for (const args of FLAG_CASES) {
      const theirs = natsServer(args, FIXTURES_DIR, FIXTURE_ENV);
      const parsed = parseFlags(args);
      let ours: Run;
      if (parsed.error?.kind === "flag") {
        ours = {
          code: 0,
          stdout: usageText("nats-server") + "\n",
          stderr: parsed.error.message + "\n",
        };
      } else if (parsed.error) {
        ours = { code: 1, stdout: "", stderr: `nats-server: ${parsed.error.message}\n` };
      } else if (parsed.showVersion) {
        ours = { code: 0, stdout: theirs.stdout, stderr: "" };
        assert.match(theirs.stdout, /^nats-server: v/);
      } else if (parsed.showHelp) {
        ours = { code: 0, stdout: usageText("nats-server") + "\n", stderr: "" };
      } else if (parsed.showTlsHelp) {
        ours = { code: 0, stdout: tlsHelpText, stderr: "" };
      } else {
        assert.ok(parsed.testConfig && parsed.configFile, args.join(" "));
        ours = predictedCheck(parsed.configFile!, loadFixture(parsed.configFile!));
      }
      const label = args.join(" ");
      assert.equal(ours.code, theirs.code, label);
      assert.equal(ours.stderr, theirs.stderr, label);
      assert.deepEqual(ours.stdout.split("\n").sort(), theirs.stdout.split("\n").sort(), label);
    }
  },
});

/**
 * @module
 * Tests for the `.conf` parser: units, variables, environment, includes, positions.
 */

import assert from "node:assert/strict";
import { ConfigParseError, parseConf, parseConfInteger } from "./conf_parser.ts";
import { memoryEnv, memoryFiles } from "./test_helpers.ts";
import { type ConfMap, type ConfNode, toPlain } from "./tree.ts";

function parse(
  text: string,
  options: { files?: Record<string, string>; env?: Record<string, string>; file?: string } = {},
): ConfMap {
  return parseConf(text, {
    file: options.file ?? "main.conf",
    readFile: memoryFiles(options.files ?? {}),
    env: memoryEnv(options.env),
  });
}

function plain(text: string, options: Parameters<typeof parse>[1] = {}): unknown {
  return toPlain(parse(text, options));
}

function parseError(text: string, options: Parameters<typeof parse>[1] = {}): ConfigParseError {
  try {
    parse(text, options);
  } catch (err) {
    assert.ok(err instanceof ConfigParseError);
    return err;
  }
  throw new Error(`expected a parse error for ${JSON.stringify(text)}`);
}

Deno.test("parser applies decimal and binary size suffixes like nats-server", () => {
  const cases: [string, number][] = [
    ["1k", 1000],
    ["1K", 1000],
    ["1kb", 1024],
    ["1KiB", 1024],
    ["1ki", 1024],
    ["2m", 2_000_000],
    ["2MB", 2 * 1024 ** 2],
    ["1g", 1e9],
    ["1Gi", 1024 ** 3],
    ["1t", 1e12],
    ["1TB", 1024 ** 4],
    ["1p", 1e15],
    ["1e", 1e18],
    ["-1k", -1000],
  ];
  for (const [raw, expected] of cases) assert.equal(parseConfInteger(raw), expected, raw);
  assert.deepEqual(plain("a: 10MB\nb: 512kb"), { a: 10 * 1024 * 1024, b: 512 * 1024 });
});

Deno.test("parser maps true/yes/on and false/no/off to booleans", () => {
  assert.deepEqual(plain("a: yes\nb: ON\nc: true\nd: no\ne: off\nf: FALSE"), {
    a: true,
    b: true,
    c: true,
    d: false,
    e: false,
    f: false,
  });
});

Deno.test("parser builds nested maps and arrays", () => {
  assert.deepEqual(plain('m { a: [1, "x", {b: 2.5}], n { c: "d" } }'), {
    m: { a: [1, "x", { b: 2.5 }], n: { c: "d" } },
  });
});

Deno.test("parser reads ISO8601 Zulu dates and rejects impossible ones", () => {
  const tree = parse("d: 2023-02-28T10:20:30Z");
  const node = tree.value.get("d")!;
  assert.equal(node.kind, "datetime");
  assert.equal((node.value as Date).toISOString(), "2023-02-28T10:20:30.000Z");
  assert.equal(
    parseError("d: 2023-02-30T10:20:30Z").message,
    "expected Zulu formatted DateTime, but got '2023-02-30T10:20:30Z'",
  );
});

Deno.test("parser resolves variables from the same scope, enclosing scopes, then the environment", () => {
  const tree = plain("A = 1\nm { B = 2\n n { x: $A, y: $B, z: $ENVVAR } }", {
    env: { ENVVAR: "10MB" },
  });
  assert.deepEqual(tree, { A: 1, m: { B: 2, n: { x: 1, y: 2, z: 10 * 1024 * 1024 } } });
});

Deno.test("parser marks referenced variables as used and copies their value", () => {
  const tree = parse("P = 4222\nport = $P\nQ = 1");
  assert.equal(tree.value.get("P")!.usedVariable, true);
  assert.equal(tree.value.get("Q")!.usedVariable, undefined);
  assert.equal(tree.value.get("port")!.value, 4222);
  assert.equal(tree.value.get("port")!.usedVariable, false);
});

Deno.test("parser does not see variables in arrays or sibling maps", () => {
  assert.equal(
    parseError("a { X = 1 }\nb: $X").message,
    "variable reference for 'X' on line 2 can not be found",
  );
});

Deno.test("parser reads environment values with the .conf syntax", () => {
  assert.deepEqual(
    plain("a: $N\nb: $S\nc: $B\nd: $M", {
      env: { N: "42", S: "hello", B: "true", M: "{x: 1}" },
    }),
    { a: 42, b: "hello", c: true, d: { x: 1 } },
  );
  assert.equal(
    parseError("a: $BAD", { env: { BAD: "a b" } }).message,
    "variable reference for 'BAD' on line 1 could not be parsed: Parse error on line 1: " +
      "'Expected a top-level value to end with a new line, comment or EOF, but got 'b' instead.'",
  );
  assert.deepEqual(plain("a: $EMPTY", { env: { EMPTY: "" } }), { a: "" });
});

Deno.test("parser keeps bcrypt hashes that look like variables", () => {
  assert.deepEqual(plain("p: $2a$11$abcdefghijklmnopqrstuv"), {
    p: "$2a$11$abcdefghijklmnopqrstuv",
  });
});

Deno.test("parser includes files relative to the including file, at top level and in maps", () => {
  const files = {
    "conf/sub/inc.conf": "port: 4333\ninclude 'deeper/more.conf'",
    "conf/sub/deeper/more.conf": "debug: true",
    "conf/sub/auth.conf": "user: a\npassword: b",
  };
  const tree = plain('include "sub/inc.conf"\nauthorization { include sub/auth.conf }', {
    file: "conf/main.conf",
    files,
  });
  assert.deepEqual(tree, { port: 4333, debug: true, authorization: { user: "a", password: "b" } });
});

Deno.test("parser keeps the included file's name and positions on included values", () => {
  const tree = parse('include "inc.conf"', { files: { "inc.conf": "a: 1\n  b: 2" } });
  const b = tree.value.get("b")!;
  assert.deepEqual([b.file, b.line, b.col], ["inc.conf", 2, 3]);
});

Deno.test("parser resolves include paths like Go filepath.Join, even absolute ones", () => {
  const tree = plain('include "/abs/x.conf"', {
    file: "dir/main.conf",
    files: { "dir/abs/x.conf": "a: 1" },
  });
  assert.deepEqual(tree, { a: 1 });
});

Deno.test("parser reports include failures like nats-server", () => {
  assert.equal(
    parseError('include "../missing.conf"', { file: "conf/main.conf" }).message,
    "error parsing include file '../missing.conf', open missing.conf: no such file or directory",
  );
  assert.equal(
    parseError("include bad.conf", { files: { "bad.conf": "a 1 2" } }).message,
    "error parsing include file 'bad.conf', Parse error on line 1: 'Expected a top-level value " +
      "to end with a new line, comment or EOF, but got '2' instead.'",
  );
  assert.match(
    parseError("include self.conf", { files: { "self.conf": "include self.conf" } }).message,
    /too many nested includes/,
  );
});

Deno.test("parser positions map values at their key and array elements at themselves", () => {
  const tree = parse("m {\n  key: [\n    1\n  ]\n}");
  const m = tree.value.get("m")!;
  assert.deepEqual([m.line, m.col], [1, 0]);
  const key = (m.value as Map<string, ConfNode>).get("key")!;
  assert.deepEqual([key.line, key.col], [2, 3]);
  const element = (key.value as ConfNode[])[0];
  assert.deepEqual([element.line, element.col], [3, 5]);
});

Deno.test("parser reports integers outside int64 and lexer errors with their line", () => {
  assert.equal(
    parseError("a: 99999999999999999999").message,
    "integer '99999999999999999999' is out of the range",
  );
  const error = parseError("a: 1\nb: [1 x]");
  assert.equal(
    error.message,
    'Parse error on line 2: \'Expected an array value terminator "," or an array terminator ' +
      "\"]\", but got 'x' instead.'",
  );
  assert.equal(error.line, 2);
  assert.equal(error.file, "main.conf");
});

Deno.test("parser silently drops a value with an unknown size suffix, like nats-server", () => {
  assert.deepEqual(plain("a: 1kbb\nb: 2"), { b: 2 });
});

Deno.test("parser lets later keys override earlier ones", () => {
  assert.deepEqual(plain("a: 1\na: 2"), { a: 2 });
});

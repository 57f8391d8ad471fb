/**
 * @module
 * Tests for the YAML loader: `.conf`-like scalars, variables, includes, anchors, errors.
 */

import assert from "node:assert/strict";
import { ConfigParseError } from "./conf_parser.ts";
import { parseSource } from "./normalize.ts";
import { memoryEnv, memoryFiles } from "./test_helpers.ts";
import { type ConfMap, toPlain } from "./tree.ts";
import { parseYaml } from "./yaml.ts";
import { loadYamlSupport } from "./yaml.ts";

await loadYamlSupport();

function yaml(
  text: string,
  options: { files?: Record<string, string>; env?: Record<string, string>; file?: string } = {},
): ConfMap {
  return parseSource(text, {
    file: options.file ?? "main.yaml",
    readFile: memoryFiles(options.files ?? {}),
    env: memoryEnv(options.env),
  });
}

function yamlError(text: string, options: Parameters<typeof yaml>[1] = {}): ConfigParseError {
  try {
    yaml(text, options);
  } catch (err) {
    assert.ok(err instanceof ConfigParseError);
    return err;
  }
  throw new Error("expected an error");
}

Deno.test("YAML plain scalars read like .conf values", () => {
  const tree = toPlain(yaml(
    "a: 1MB\nb: yes\nc: off\nd: -1\ne: 1.5\nf: 127.0.0.1:4222\ng: 2s\nh: hello world\n" +
      "i: 2023-01-02T03:04:05Z\nj: 0x10\n",
  )) as Record<string, unknown>;
  assert.equal(tree.a, 1024 * 1024);
  assert.equal(tree.b, true);
  assert.equal(tree.c, false);
  assert.equal(tree.d, -1);
  assert.equal(tree.e, 1.5);
  assert.equal(tree.f, "127.0.0.1:4222");
  assert.equal(tree.g, "2s");
  assert.equal(tree.h, "hello world");
  assert.ok(tree.i instanceof Date);
  assert.equal(tree.j, "0x10");
});

Deno.test("YAML quoted and block scalars stay strings", () => {
  assert.deepEqual(toPlain(yaml("a: \"1MB\"\nb: 'yes'\nc: |\n  text\n")), {
    a: "1MB",
    b: "yes",
    c: "text\n",
  });
});

Deno.test("YAML flow and block collections become maps and arrays", () => {
  assert.deepEqual(toPlain(yaml("m: {a: [1, x], b: {c: true}}\nl:\n  - 1\n  - {d: e}\n")), {
    m: { a: [1, "x"], b: { c: true } },
    l: [1, { d: "e" }],
  });
});

Deno.test("YAML variables resolve through enclosing maps and the environment", () => {
  const tree = yaml("P: 4222\nport: $P\nm:\n  Q: x\n  n: { a: $P, b: $Q, c: $E }\n", {
    env: { E: "10k" },
  });
  assert.deepEqual(toPlain(tree), {
    P: 4222,
    port: 4222,
    m: { Q: "x", n: { a: 4222, b: "x", c: 10000 } },
  });
  assert.equal(tree.value.get("P")!.usedVariable, true);
  assert.equal(
    yamlError("a: 1\nport: $MISSING\n").message,
    "variable reference for 'MISSING' on line 2 can not be found",
  );
});

Deno.test("YAML include merges files relative to the including file, in either syntax", () => {
  const tree = yaml("include: sub/a.yaml\nauthorization:\n  include: [sub/b.conf]\n", {
    file: "cfg/main.yaml",
    files: {
      "cfg/sub/a.yaml": "port: 4333\n",
      "cfg/sub/b.conf": "user: a, password: b",
    },
  });
  assert.deepEqual(toPlain(tree), { port: 4333, authorization: { user: "a", password: "b" } });
  assert.equal(
    yamlError("include: nope.yaml\n").message,
    "error parsing include file 'nope.yaml', open nope.yaml: no such file or directory",
  );
});

Deno.test("YAML anchors, aliases and << merge keys work", () => {
  const tree = yaml(
    "base: &base {publish: a, subscribe: b}\nuser1: *base\nuser2:\n  <<: *base\n  subscribe: c\n",
  );
  assert.deepEqual(toPlain(tree), {
    base: { publish: "a", subscribe: "b" },
    user1: { publish: "a", subscribe: "b" },
    user2: { subscribe: "c", publish: "a" },
  });
});

Deno.test("YAML nodes carry 1-based lines and columns at their key", () => {
  const tree = yaml("a: 1\nm:\n  b: [x, y]\n");
  const m = tree.value.get("m")!;
  assert.deepEqual([m.file, m.line, m.col], ["main.yaml", 2, 1]);
  const b = (m.value as Map<string, typeof m>).get("b")!;
  assert.deepEqual([b.line, b.col], [3, 3]);
  const y = (b.value as (typeof m)[])[1];
  assert.deepEqual([y.line, y.col], [3, 10]);
});

Deno.test("YAML syntax errors name file, line and column", () => {
  const error = yamlError("a: 1\nm:\n  b: 1\n c: 2\n");
  assert.match(error.message, /^main\.yaml:4:\d+: /);
  assert.equal(error.line, 4);
  assert.match(yamlError("a: 1\na: 2\n").message, /^main\.yaml:2:1: Map keys must be unique/);
});

Deno.test("YAML config must be a map; an empty document is an empty config", () => {
  assert.equal(yamlError("- 1\n- 2\n").message, "main.yaml:1:1: a YAML config must be a map");
  assert.deepEqual(
    toPlain(parseYaml("", { file: "e.yaml", readFile: memoryFiles({}), env: memoryEnv() })),
    {},
  );
});

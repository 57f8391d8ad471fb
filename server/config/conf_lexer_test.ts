/**
 * @module
 * Tests for the `.conf` lexer: every syntax form, columns, and nats-server error texts.
 */

import assert from "node:assert/strict";
import { ConfLexer, ItemType, type LexItem } from "./conf_lexer.ts";

/** Every item up to EOF or the first error; comments dropped unless asked for. */
function lex(text: string, keepComments = false): LexItem[] {
  const lexer = new ConfLexer(text);
  const items: LexItem[] = [];
  for (;;) {
    const item = lexer.nextItem();
    if (item.type === ItemType.EOF) return items;
    if (keepComments || (item.type !== ItemType.CommentStart && item.type !== ItemType.Text)) {
      items.push(item);
    }
    if (item.type === ItemType.Error) return items;
  }
}

/** Items as `type:value` strings, for compact assertions. */
function brief(text: string): string[] {
  return lex(text).map((item) => `${item.type}:${item.value}`);
}

function lexError(text: string): LexItem {
  const last = lex(text).at(-1);
  assert.equal(last?.type, ItemType.Error, `expected an error for ${JSON.stringify(text)}`);
  return last!;
}

Deno.test("lexer reads key = value, key: value and key value forms", () => {
  for (const text of ["port = 4222", "port: 4222", "port 4222", "port=4222", "port:4222"]) {
    assert.deepEqual(brief(text), ["key:port", "integer:4222"], text);
  }
});

Deno.test("lexer reports nats-server columns: 0-based on line 1, 1-based on later lines", () => {
  const items = lex("a = 1\n  bb: 2\nccc 3");
  assert.deepEqual(items.map((item) => [item.value, item.line, item.pos]), [
    ["a", 1, 0],
    ["1", 1, 4],
    ["bb", 2, 3],
    ["2", 2, 7],
    ["ccc", 3, 1],
    ["3", 3, 5],
  ]);
});

Deno.test("lexer measures columns in bytes, like nats-server", () => {
  const items = lex('name: "héllo" x: 1');
  assert.equal(items.find((item) => item.type === ItemType.Error)?.type, ItemType.Error);
  const ok = lex('name: "héllo"\nx: 1');
  assert.deepEqual(ok.map((item) => item.pos), [0, 7, 1, 4]);
  const after = lex('é = "a"; b = 1');
  assert.equal(after.find((item) => item.value === "b")?.pos, 10);
});

Deno.test("lexer treats newlines, semicolons and commas as top-level terminators", () => {
  assert.deepEqual(brief("a 1; b 2, c 3\nd 4"), [
    "key:a",
    "integer:1",
    "key:b",
    "integer:2",
    "key:c",
    "integer:3",
    "key:d",
    "integer:4",
  ]);
});

Deno.test("lexer skips hash and double-slash comments everywhere", () => {
  const text = "# top\n// also top\na: 1 # after\nm { # in map\n  b: 2 // after\n}\n" +
    "arr [ # in array\n 1 // after\n]";
  assert.deepEqual(brief(text), [
    "key:a",
    "integer:1",
    "key:m",
    "mapStart:",
    "key:b",
    "integer:2",
    "mapEnd:",
    "key:arr",
    "arrayStart:",
    "integer:1",
    "arrayEnd:",
  ]);
  const comments = lex("# hello\na: 1", true).filter((item) => item.type === ItemType.Text);
  assert.deepEqual(comments.map((item) => item.value), [" hello"]);
});

Deno.test("lexer reads quoted keys, which may hold spaces and separators", () => {
  assert.deepEqual(brief("\"my key\" = 1\n'other:key' 2"), [
    "key:my key",
    "integer:1",
    "key:other:key",
    "integer:2",
  ]);
  assert.deepEqual(brief("m { \"a b\": 1, 'c' = 2 }"), [
    "key:m",
    "mapStart:",
    "key:a b",
    "integer:1",
    "key:c",
    "integer:2",
    "mapEnd:",
  ]);
});

Deno.test("lexer reads nested maps with or without a separator", () => {
  for (const text of ["a { b { c = 1 } }", "a = { b: { c: 1 } }", "a: {\n b {\n  c 1\n }\n}"]) {
    assert.deepEqual(brief(text), [
      "key:a",
      "mapStart:",
      "key:b",
      "mapStart:",
      "key:c",
      "integer:1",
      "mapEnd:",
      "mapEnd:",
    ], text);
  }
});

Deno.test("lexer reads arrays separated by commas and newlines", () => {
  assert.deepEqual(brief('a [\n "x"\n "y", "z"\n]'), [
    "key:a",
    "arrayStart:",
    "string:x",
    "string:y",
    "string:z",
    "arrayEnd:",
  ]);
  assert.deepEqual(brief("a = [ {b: 1}, [true] ]"), [
    "key:a",
    "arrayStart:",
    "mapStart:",
    "key:b",
    "integer:1",
    "mapEnd:",
    "arrayStart:",
    "bool:true",
    "arrayEnd:",
    "arrayEnd:",
  ]);
});

Deno.test("lexer treats a number right before ] as a string, like nats-server 2.9.10", () => {
  assert.deepEqual(brief('a = [1, "x"]'), [
    "key:a",
    "arrayStart:",
    "integer:1",
    "string:x",
    "arrayEnd:",
  ]);
  const items = lex("a = [1, 2]\n");
  assert.equal(items[3].type, ItemType.String);
  assert.equal(items[3].value, "2]");
});

Deno.test("lexer recognises boolean words in any case", () => {
  const words = ["true", "false", "yes", "no", "on", "off", "TRUE", "Off"];
  for (const word of words) assert.deepEqual(brief(`a: ${word}`), ["key:a", `bool:${word}`]);
  assert.deepEqual(brief('a: "true"'), ["key:a", "string:true"]);
});

Deno.test("lexer reads $NAME as a variable reference", () => {
  assert.deepEqual(brief("port: $PORT"), ["key:port", "variable:PORT"]);
  assert.deepEqual(brief('s: "$NOT"'), ["key:s", "string:$NOT"]);
});

Deno.test("lexer reads include with double, single or no quotes", () => {
  for (const text of ['include "a.conf"', "include 'a.conf'", "include a.conf", "INCLUDE a.conf"]) {
    assert.deepEqual(brief(text), ["include:a.conf"], text);
  }
  assert.deepEqual(brief('m { include "b.conf"\n x: 1 }'), [
    "key:m",
    "mapStart:",
    "include:b.conf",
    "key:x",
    "integer:1",
    "mapEnd:",
  ]);
});

Deno.test("lexer decodes escapes in double-quoted strings", () => {
  assert.deepEqual(brief('s: "a\\tb\\nc\\r\\"d\\\\e"'), ["key:s", 'string:a\tb\nc\r"d\\e']);
  assert.deepEqual(brief('s: "\\x41\\x42"'), ["key:s", "string:AB"]);
  assert.deepEqual(brief('s: "\\xe2\\x82\\xac"'), ["key:s", "string:€"]);
  assert.deepEqual(brief("s: 'raw\\n'"), ["key:s", "string:raw\\n"]);
  assert.deepEqual(brief("s: un\\tquoted"), ["key:s", "string:un\tquoted"]);
});

Deno.test("lexer reads integers, size suffixes, floats, negatives and IP-like strings", () => {
  const cases: [string, string][] = [
    ["1", "integer:1"],
    ["-12", "integer:-12"],
    ["1k", "integer:1k"],
    ["10MB", "integer:10MB"],
    ["2GiB", "integer:2GiB"],
    ["1.5", "float:1.5"],
    ["-0.25", "float:-0.25"],
    ["127.0.0.1", "string:127.0.0.1"],
    ["127.0.0.1:4222", "string:127.0.0.1:4222"],
    ["2s", "string:2s"],
    ["10x", "string:10x"],
    ["1kx", "string:1kx"],
  ];
  for (const [value, expected] of cases) {
    assert.deepEqual(brief(`v: ${value}`), ["key:v", expected]);
  }
});

Deno.test("lexer reads ISO8601 Zulu datetimes", () => {
  assert.deepEqual(brief("d: 2023-01-02T03:04:05Z"), ["key:d", "datetime:2023-01-02T03:04:05Z"]);
});

Deno.test("lexer reads a ( ) block that ends at a ) alone on its line", () => {
  assert.deepEqual(brief("b (\nline one\n(x) two\n)\nn: 1"), [
    "key:b",
    "string:\nline one\n(x) two\n",
    "key:n",
    "integer:1",
  ]);
});

Deno.test("lexer accepts a top-level { } wrapper, as in JSON", () => {
  assert.deepEqual(brief('{ "port": 4222, "debug": true }'), [
    "key:port",
    "integer:4222",
    "key:debug",
    "bool:true",
  ]);
});

Deno.test("lexer errors carry nats-server's texts and lines", () => {
  const cases: [string, string, number][] = [
    [
      "a 1 2",
      "Expected a top-level value to end with a new line, comment or EOF, but got '2' instead.",
      1,
    ],
    ["= 1", "Unexpected key separator '='", 1],
    ["m { = 1 }", "Unexpected key separator '='.", 1],
    ["m { ] }", "Unexpected array end ']' processing map.", 1],
    ["m {\n a: 1\n", "Unexpected EOF processing map.", 3],
    ["a [,]", "Unexpected array value terminator ','.", 1],
    [
      "a [1 x]",
      'Expected an array value terminator "," or an array terminator "]", but got \'x\' instead.',
      1,
    ],
    [
      "m {a: 1 x}",
      'Expected a map value terminator "," or a map terminator "}", but got \'x\' instead.',
      1,
    ],
    ["m {a: ,}", 'Unexpected map value terminator ",".', 1],
    ["a: .5", "Floats must start with a digit", 1],
    ["a: -x", "Expected a digit but got 'x'.", 1],
    ["a: -.5", "Floats must start with a digit, not '.'.", 1],
    ["a: 1.x", "Floats must have a digit after the '.', but got 'x' instead.", 1],
    ["a: 2023-1", "Expected digit in ISO8601 datetime, but found '\u0000' instead.", 1],
    ["a: 2023-01-02X", "Expected 'T' in ISO8601 datetime, but found 'X' instead.", 1],
    ["a: 12-", "All ISO8601 dates must be in full Zulu form.", 1],
    ["a:\n", "Expected value but found new line", 2],
    [
      'a: "x\\q"',
      "Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.",
      1,
    ],
    ['a: "\\xZZ"', "Expected two hexadecimal digits after '\\x', but got 'ZZ'", 1],
    ["a (\nnever closed", "Unexpected EOF processing block.", 2],
    ["include [x]", "Expected include value but found start of an array", 1],
    ["include {x}", "Expected include value but found start of a map", 1],
    ["include 5", "Expected include value but found start of a number", 1],
    ['include "x', "Unexpected EOF in double quoted include", 1],
    ["include 'x", "Unexpected EOF in quoted include", 1],
    ['a: "open', "Unexpected EOF.", 1],
    ["/", "Unexpected EOF.", 1],
  ];
  for (const [text, message, line] of cases) {
    const error = lexError(text);
    assert.equal(error.value, message, text);
    assert.equal(error.line, line, text);
  }
});

Deno.test("lexer shows a newline as \\n in error texts", () => {
  assert.equal(lexError("a: -\n").value, "Expected a digit but got '\\n'.");
});

Deno.test("lexer keeps returning eof after the end", () => {
  const lexer = new ConfLexer("a: 1");
  for (let i = 0; i < 3; i++) lexer.nextItem();
  assert.equal(lexer.nextItem().type, ItemType.EOF);
  assert.equal(lexer.nextItem().type, ItemType.EOF);
});

/**
 * @module
 * Unit tests of the Go-style JSON reader: syntax error texts of Go's scanner and the
 * `UnmarshalTypeError` texts of decoding into a request struct (the same texts nats-server
 * 2.9.10 answers with; tests/system compares them with the real server).
 */
import assert from "node:assert/strict";
import { decodeGoStruct, GoJsonError, type GoStruct, parseGoJson } from "./go_json.ts";

const CONNZ: GoStruct = {
  name: "ConnzEventOptions",
  fields: {
    state: "server.ConnState",
    limit: "int",
    cid: "uint64",
    auth: "bool",
    acc: "string",
    tags: "[]string",
  },
};

function syntaxError(text: string): string {
  try {
    parseGoJson(text);
  } catch (err) {
    if (err instanceof GoJsonError) return err.message;
    throw err;
  }
  return "";
}

function decodeError(text: string): string {
  try {
    decodeGoStruct(text, CONNZ);
  } catch (err) {
    if (err instanceof GoJsonError) return err.message;
    throw err;
  }
  return "";
}

Deno.test("syntax errors are worded as Go's JSON scanner words them", () => {
  const cases: [string, string][] = [
    ["{bad", "invalid character 'b' looking for beginning of object key string"],
    ["", "unexpected end of JSON input"],
    ["  ", "unexpected end of JSON input"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["{}x", "invalid character 'x' after top-level value"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ["-x", "invalid character 'x' in numeric literal"],
    ["1.x", "invalid character 'x' after decimal point in numeric literal"],
    ["1ex", "invalid character 'x' in exponent of numeric literal"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['{"a":', "unexpected end of JSON input"],
  ];
  for (const [text, message] of cases) assert.equal(syntaxError(text), message, text);
});

Deno.test("values keep their kinds, numbers their literal text", () => {
  assert.deepEqual(parseGoJson('{"n":1e3,"s":"\\u0041","b":[true,null]}'), {
    kind: "object",
    entries: [
      ["n", { kind: "number", raw: "1e3" }],
      ["s", { kind: "string", value: "A" }],
      ["b", { kind: "array", items: [{ kind: "bool", value: true }, { kind: "null" }] }],
    ],
  });
});

Deno.test("decoding matches keys exactly, then case-insensitively, and skips unknown keys", () => {
  assert.deepEqual(
    decodeGoStruct('{"STATE":2,"limit":5,"Acc":"A","nope":true,"auth":null}', CONNZ),
    { state: 2, limit: 5, acc: "A" },
  );
  assert.deepEqual(decodeGoStruct("null", CONNZ), {});
  assert.deepEqual(decodeGoStruct('{"tags":["x",null]}', CONNZ), { tags: ["x", ""] });
});

Deno.test("type mismatches give Go's UnmarshalTypeError text", () => {
  const prefix = "json: cannot unmarshal";
  const cases: [string, string][] = [
    [
      '{"state":"closed"}',
      "string into Go struct field ConnzEventOptions.state of type " +
      "server.ConnState",
    ],
    ['{"limit":1.5}', "number 1.5 into Go struct field ConnzEventOptions.limit of type int"],
    ['{"cid":-1}', "number -1 into Go struct field ConnzEventOptions.cid of type uint64"],
    ['{"auth":"yes"}', "string into Go struct field ConnzEventOptions.auth of type bool"],
    ['{"acc":{}}', "object into Go struct field ConnzEventOptions.acc of type string"],
    ['{"tags":[1]}', "number into Go struct field ConnzEventOptions.tags of type string"],
    ['{"tags":"x"}', "string into Go struct field ConnzEventOptions.tags of type []string"],
    ["[]", "array into Go value of type server.ConnzEventOptions"],
    ['"x"', "string into Go value of type server.ConnzEventOptions"],
  ];
  for (const [text, rest] of cases) assert.equal(decodeError(text), `${prefix} ${rest}`, text);
});

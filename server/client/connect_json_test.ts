import { deepStrictEqual, strictEqual } from "node:assert";
import { decodeConnect } from "./connect_json.ts";

Deno.test("CONNECT fields decode with their types", () => {
  deepStrictEqual(decodeConnect('{"verbose":false,"protocol":1,"name":"x","foo":[1]}'), {
    verbose: false,
    protocol: 1,
    name: "x",
  });
});

Deno.test("CONNECT keys match case-insensitively and null leaves a field unset", () => {
  deepStrictEqual(decodeConnect('{"Verbose":true,"ECHO":false,"user":null}'), {
    verbose: true,
    echo: false,
  });
});

Deno.test("CONNECT values of the wrong type are rejected", () => {
  strictEqual(decodeConnect('{"verbose":"yes"}'), null);
  strictEqual(decodeConnect('{"protocol":1.5}'), null);
  strictEqual(decodeConnect('{"user":5}'), null);
  strictEqual(decodeConnect("[1]"), null);
  strictEqual(decodeConnect("{nope"), null);
});

Deno.test("CONNECT nested deeper than Go's 10000 levels is rejected, shallower is fine", () => {
  strictEqual(decodeConnect('{"x":' + "[".repeat(10_001) + "]".repeat(10_001) + "}"), null);
  deepStrictEqual(decodeConnect('{"x":' + "[".repeat(9_000) + "]".repeat(9_000) + "}"), {});
});

Deno.test("a duplicated CONNECT key is refused when any occurrence has the wrong type, as in Go", () => {
  strictEqual(decodeConnect('{"verbose":"x","verbose":true}'), null);
  strictEqual(decodeConnect('{"sig":"s","nkey":false,"nkey":"k"}'), null);
  strictEqual(decodeConnect('{"protocol":1.5,"protocol":1}'), null);
  deepStrictEqual(decodeConnect('{"verbose":false,"verbose":true,"a":{"verbose":"x"}}'), {
    verbose: true,
  });
});

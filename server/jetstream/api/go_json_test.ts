import assert from "node:assert/strict";
import {
  GoJsonError,
  GoNumber,
  type JsonObject,
  K,
  parseJson,
  unmarshalStruct,
} from "./go_json.ts";

const FIELDS = {
  name: K.string,
  max_msgs: K.int,
  max_msg_size: K.int32,
  seq: K.uint,
  ok: K.bool,
  retention: K.enum(["limits", "interest", "workqueue"]),
  discard: K.enum(["old", "new"], true),
  start: K.time,
  mirror: K.struct({ name: K.string, filter_subject: K.string }),
  subjects: K.array(K.string),
};

Deno.test("parseJson keeps numbers as text and duplicate keys in order", () => {
  const v = parseJson('{"a": 1.50, "a": [true, null, "x"]}') as JsonObject;
  assert.equal(v.entries.length, 2);
  assert.deepEqual(v.entries[0], ["a", new GoNumber("1.50")]);
  assert.deepEqual(v.entries[1][1], [true, null, "x"]);
});

Deno.test("parseJson rejects what Go's decoder rejects", () => {
  for (const bad of ["", "  ", "{", '{"a":}', "[1,]", "01", '{"a":1}x', "nul", '"\t"', "{'a':1}"]) {
    assert.throws(() => parseJson(bad), GoJsonError, bad);
  }
});

Deno.test("fields match exactly or case-insensitively; unknown keys are ignored", () => {
  assert.deepEqual(unmarshalStruct(FIELDS, '{"Name":"a","MAX_MSGS":3,"extra":{"x":1}}'), {
    name: "a",
    max_msgs: 3,
  });
});

Deno.test("integers are checked against the Go type from their text", () => {
  assert.equal(
    unmarshalStruct(FIELDS, '{"max_msgs":-9007199254740991}').max_msgs,
    -9007199254740991,
  );
  for (
    const bad of [
      '{"max_msgs":1.5}',
      '{"max_msgs":1e3}',
      '{"max_msgs":"1"}',
      '{"max_msg_size":2147483648}',
      '{"seq":-1}',
      '{"max_msgs":9223372036854775808}',
    ]
  ) {
    assert.throws(() => unmarshalStruct(FIELDS, bad), GoJsonError, bad);
  }
  assert.equal(unmarshalStruct(FIELDS, '{"max_msg_size":2147483647}').max_msg_size, 2147483647);
});

Deno.test("null keeps plain values, clears pointers and is refused by enums", () => {
  assert.deepEqual(unmarshalStruct(FIELDS, '{"name":"a","name":null,"mirror":null}'), {
    name: "a",
  });
  assert.throws(() => unmarshalStruct(FIELDS, '{"retention":null}'), GoJsonError);
  assert.deepEqual(unmarshalStruct(FIELDS, "null"), {});
});

Deno.test("enums accept only their strings; discard ignores case", () => {
  assert.equal(unmarshalStruct(FIELDS, '{"retention":"workqueue"}').retention, "workqueue");
  assert.throws(() => unmarshalStruct(FIELDS, '{"retention":"WorkQueue"}'), GoJsonError);
  assert.equal(unmarshalStruct(FIELDS, '{"discard":"NEW"}').discard, "new");
});

Deno.test("nested structs merge across duplicate keys and times must be RFC 3339", () => {
  assert.deepEqual(
    unmarshalStruct(FIELDS, '{"mirror":{"name":"m"},"mirror":{"filter_subject":"f"}}').mirror,
    { name: "m", filter_subject: "f" },
  );
  assert.equal(
    unmarshalStruct(FIELDS, '{"start":"2023-01-02T03:04:05.5Z"}').start,
    "2023-01-02T03:04:05.5Z",
  );
  assert.throws(() => unmarshalStruct(FIELDS, '{"start":"2023-01-02"}'), GoJsonError);
  assert.throws(() => unmarshalStruct(FIELDS, '{"subjects":"a"}'), GoJsonError);
  assert.throws(() => unmarshalStruct(FIELDS, "[]"), GoJsonError);
});

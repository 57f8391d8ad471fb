import assert from "node:assert/strict";
import {
  consumerListResponse,
  isEmptyRequest,
  JS_API_LIST_LIMIT,
  JS_API_NAMES_LIMIT,
  msgGetResponse,
  namesResponse,
  page,
  parseMsgGetRequest,
  parseNextRequest,
  parsePagedRequest,
  parsePurgeRequest,
  pubAckJson,
  purgeResponse,
  successResponse,
} from "./api_types.ts";

Deno.test("names are sorted and paged by 1024; an empty stream list is null", () => {
  const names = Array.from({ length: 1030 }, (_, i) => `s${String(i).padStart(4, "0")}`);
  const first = namesResponse("STREAM.NAMES", [...names].reverse(), 0);
  assert.equal(JS_API_NAMES_LIMIT, 1024);
  assert.deepEqual(Object.keys(first), ["type", "total", "offset", "limit", "streams"]);
  assert.equal(first.total, 1030);
  assert.equal((first.streams as string[]).length, 1024);
  assert.equal((first.streams as string[])[0], "s0000");
  const last = namesResponse("STREAM.NAMES", names, 1024);
  assert.deepEqual(last.streams, names.slice(1024));
  assert.deepEqual(namesResponse("STREAM.NAMES", [], 0).streams, null);
  assert.deepEqual(namesResponse("CONSUMER.NAMES", [], 0).consumers, []);
  assert.deepEqual(namesResponse("CONSUMER.NAMES", ["a"], 5).offset, 1);
});

Deno.test("lists page by 256", () => {
  assert.equal(JS_API_LIST_LIMIT, 256);
  assert.deepEqual(page([1, 2, 3], 1, 1), { total: 3, offset: 1, limit: 1, items: [2] });
  const r = consumerListResponse([], 0, ["gone"]);
  assert.deepEqual(r, {
    type: "io.nats.jetstream.api.v1.consumer_list_response",
    total: 0,
    offset: 0,
    limit: 256,
    consumers: [],
    missing: ["gone"],
  });
});

Deno.test("pub acks keep Go's order and omit zero fields", () => {
  assert.deepEqual(Object.keys(pubAckJson({ stream: "S", seq: 3, domain: "d", duplicate: true })), [
    "stream",
    "seq",
    "domain",
    "duplicate",
  ]);
  assert.deepEqual(pubAckJson({ stream: "S", seq: 1 }), { stream: "S", seq: 1 });
  const err = { code: 503, err_code: 10039, description: "JetStream not enabled for account" };
  assert.deepEqual(pubAckJson({ error: err }), { error: err });
});

Deno.test("msg get answers base64 headers and data", () => {
  const r = msgGetResponse({
    subject: "a",
    seq: 2,
    data: new TextEncoder().encode("hi"),
    time: "2023-01-01T00:00:00Z",
  });
  assert.deepEqual(r, {
    type: "io.nats.jetstream.api.v1.stream_msg_get_response",
    message: { subject: "a", seq: 2, data: "aGk=", time: "2023-01-01T00:00:00Z" },
  });
});

Deno.test("purge and delete answers", () => {
  assert.deepEqual(purgeResponse(4), {
    type: "io.nats.jetstream.api.v1.stream_purge_response",
    success: true,
    purged: 4,
  });
  assert.deepEqual(successResponse("STREAM.DELETE", true), {
    type: "io.nats.jetstream.api.v1.stream_delete_response",
    success: true,
  });
});

Deno.test("request bodies are checked like jetstream_api.go", () => {
  assert.equal(isEmptyRequest(""), true);
  assert.equal(isEmptyRequest(" { } "), true);
  assert.equal(isEmptyRequest('{"a":1}'), false);
  assert.deepEqual(parsePagedRequest(""), { request: { offset: 0, subject: "" } });
  assert.deepEqual(parsePagedRequest('{"offset":3,"subject":"a.*"}'), {
    request: { offset: 3, subject: "a.*" },
  });
  assert.equal(
    (parsePagedRequest('{"offset":"x"}') as { error: { err_code: number } }).error.err_code,
    10025,
  );
  const bad = 10003;
  for (
    const body of [
      "",
      "{}",
      '{"seq":1,"last_by_subj":"a"}',
      '{"last_by_subj":"a","next_by_subj":"b"}',
    ]
  ) {
    assert.equal((parseMsgGetRequest(body) as { error: { err_code: number } }).error.err_code, bad);
  }
  assert.deepEqual(parseMsgGetRequest('{"seq":5}'), {
    request: { seq: 5, last_by_subj: "", next_by_subj: "" },
  });
  assert.deepEqual(parsePurgeRequest(""), { request: null });
  assert.equal(
    (parsePurgeRequest('{"seq":2,"keep":1}') as { error: { err_code: number } }).error.err_code,
    bad,
  );
  assert.deepEqual(parseNextRequest('{"batch":10,"expires":5000000000}'), {
    request: { expires: 5_000_000_000, batch: 10, max_bytes: 0, no_wait: false, idle_heartbeat: 0 },
  });
});

import assert from "node:assert/strict";
import { apiErrorText, isJsError, JS_ERRORS, jsApiError, jsApiErrorUnless } from "./errors.ts";
import { placeholders, render } from "../../../tools/gen_js_errors.ts";

Deno.test("the table holds all 132 errors of nats-server 2.9.10 with distinct err_codes", () => {
  const names = Object.keys(JS_ERRORS);
  assert.equal(names.length, 132);
  const codes = new Set(Object.values(JS_ERRORS).map((e) => e.errCode));
  assert.equal(codes.size, 132);
  assert.deepEqual(JS_ERRORS.JSStreamNotFoundErr, {
    code: 404,
    errCode: 10059,
    description: "stream not found",
    placeholders: [],
    deprecates: "ErrJetStreamStreamNotFound",
  });
});

Deno.test("an error without placeholders is returned as is", () => {
  assert.deepEqual(jsApiError("JSStreamNameExistErr"), {
    code: 400,
    err_code: 10058,
    description: "stream name already in use with a different configuration",
  });
});

Deno.test("placeholders are filled like Go's NewJS*Error, in one pass", () => {
  assert.equal(
    jsApiError("JSStreamExternalDelPrefixOverlapsErrF", { prefix: "p.{subject}", subject: "foo" })
      .description,
    "stream external delivery prefix p.{subject} overlaps with stream subject foo",
  );
  assert.equal(
    jsApiError("JSConsumerMaxPendingAckExcessErrF", { limit: 2000 }).description,
    "consumer max ack pending exceeds system limit of 2000",
  );
  assert.equal(
    jsApiError("JSConsumerInvalidSamplingErrF", { err: null }).description,
    "failed to parse consumer sampling configuration: <nil>",
  );
  assert.equal(
    jsApiError("JSStreamInvalidConfigF", { err: new Error("boom") }).description,
    "boom",
  );
});

Deno.test("Unless keeps an API error and wraps anything else", () => {
  const inner = jsApiError("JSMaximumConsumersLimitErr");
  assert.equal(jsApiErrorUnless("JSConsumerCreateErrF", inner), inner);
  assert.deepEqual(jsApiErrorUnless("JSConsumerCreateErrF", "deliver policy can not be updated"), {
    code: 500,
    err_code: 10012,
    description: "deliver policy can not be updated",
  });
  assert.equal(isJsError(inner, "JSMaximumConsumersLimitErr"), true);
  assert.equal(isJsError(inner, "JSStreamNotFoundErr"), false);
  assert.equal(apiErrorText(inner), "maximum consumers limit reached (10026)");
});

Deno.test("the generator lists placeholders in order of first appearance", () => {
  assert.deepEqual(
    placeholders("JetStream unable to subscribe to restore snapshot {subject}: {err}"),
    [
      "subject",
      "err",
    ],
  );
  const out = render([{
    constant: "JSX",
    code: 400,
    error_code: 1,
    description: "a {b}",
    deprecates: "",
  }]);
  assert.match(out, /JSX: \{/);
  assert.match(out, /placeholders: \["b"\]/);
});

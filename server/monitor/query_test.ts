/**
 * @module
 * Tests for query decoding: Go strconv rules and nats-server's exact 400 texts.
 */
import assert from "node:assert/strict";
import { goQuote, parseGoBool, Query, QueryError } from "./query.ts";

const q = (text: string) => new Query(new URLSearchParams(text));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof QueryError);
    return err.message;
  }
  throw new Error("expected a QueryError");
}

Deno.test("bool accepts exactly Go's ParseBool spellings", () => {
  for (const t of ["1", "t", "T", "TRUE", "true", "True"]) assert.equal(parseGoBool(t), true);
  for (const f of ["0", "f", "F", "FALSE", "false", "False"]) assert.equal(parseGoBool(f), false);
  for (const bad of ["yes", "tRUE", "2", " true"]) assert.equal(parseGoBool(bad), null);
  assert.equal(q("").bool("subs"), false);
  assert.equal(
    errorOf(() => q("auth=yes").bool("auth")),
    `Error decoding boolean for 'auth': strconv.ParseBool: parsing "yes": invalid syntax`,
  );
});

Deno.test("int and uint follow Atoi and ParseUint", () => {
  assert.equal(q("limit=-5").int("limit"), -5);
  assert.equal(q("limit=%2B7").int("limit"), 7);
  assert.equal(
    errorOf(() => q("offset=1.5").int("offset")),
    `Error decoding int for 'offset': strconv.Atoi: parsing "1.5": invalid syntax`,
  );
  assert.equal(
    errorOf(() => q("limit=99999999999999999999").int("limit")),
    `Error decoding int for 'limit': strconv.Atoi: parsing "99999999999999999999": value out of range`,
  );
  assert.equal(q("cid=42").uint("cid"), 42);
  assert.equal(
    errorOf(() => q("cid=-1").uint("cid")),
    `Error decoding uint64 for 'cid': strconv.ParseUint: parsing "-1": invalid syntax`,
  );
});

Deno.test("state and subs decode like nats-server", () => {
  assert.equal(q("").state(), "open");
  assert.equal(q("state=CLOSED").state(), "closed");
  assert.equal(q("state=any").state(), "all");
  assert.equal(q("state=all").state(), "all");
  assert.equal(errorOf(() => q("state=xx").state()), "Error decoding state for xx");
  assert.deepEqual(q("subs=DETAIL").subs(), { subs: false, detail: true });
  assert.deepEqual(q("subs=1").subs(), { subs: true, detail: false });
  assert.equal(
    errorOf(() => q("subs=xx").subs()),
    `Error decoding boolean for 'subs': strconv.ParseBool: parsing "xx": invalid syntax`,
  );
});

Deno.test("goQuote escapes quotes, backslashes and control characters", () => {
  assert.equal(goQuote('a"b\\c\n\x01'), '"a\\"b\\\\c\\n\\x01"');
});

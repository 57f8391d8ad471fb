/**
 * @module
 * Unit tests for scoped signing key permission templates.
 */
import assert from "node:assert/strict";
import type { UserPermissionLimits } from "./jwt_claims.ts";
import { applyUserTemplate, TemplateError } from "./user_template.ts";

const NONE = { allow: null, deny: null };

function limits(pub: Partial<UserPermissionLimits["pub"]>, sub = NONE): UserPermissionLimits {
  return {
    pub: { ...NONE, ...pub },
    sub,
    resp: null,
    src: null,
    times: null,
    locale: "",
    subs: -1,
    data: -1,
    payload: -1,
    bearerToken: false,
    allowedConnectionTypes: null,
  };
}

const CTX = {
  userName: "alice",
  userSubject: "UABC",
  userTags: ["dept:eng", "dept:ops", "region:eu"],
  accountSubject: "AXYZ",
  accountName: "acme",
  accountTags: ["tier:gold"],
};

Deno.test("name, subject, account and tag functions fill whole tokens", () => {
  const out = applyUserTemplate(
    limits({
      allow: [
        "{{name()}}.>",
        "u.{{subject()}}",
        "{{account-name()}}.{{account-subject()}}",
        "{{account-tag(tier)}}.x",
        "plain",
      ],
    }),
    CTX,
  );
  assert.deepEqual(out.pub.allow, ["alice.>", "u.UABC", "acme.AXYZ", "gold.x", "plain"]);
});

Deno.test("tags expand to every value, and to their cartesian product", () => {
  const out = applyUserTemplate(limits({ allow: ["{{tag(dept)}}.{{tag(region)}}"] }), CTX);
  assert.deepEqual(out.pub.allow, ["eng.eu", "ops.eu"]);
});

Deno.test("an allow list emptied by templates denies everything; a bad deny subject fails", () => {
  const out = applyUserTemplate(limits({ allow: ["{{tag(missing)}}.x"] }), CTX);
  assert.deepEqual(out.pub, { allow: [], deny: [">"] });
  assert.throws(
    () => applyUserTemplate(limits({ deny: ["{{unknown()}}"] }), CTX),
    TemplateError,
  );
});

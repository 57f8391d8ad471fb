/**
 * @module
 * Permission templates of scoped signing keys (nats-server server/auth.go
 * processUserPermissionsTemplate; behaviour only): whole subject tokens `{{name()}}`,
 * `{{subject()}}`, `{{account-name()}}`, `{{account-subject()}}`, `{{tag(x)}}` and
 * `{{account-tag(x)}}` are filled from the user and account JWTs; tags expand to every
 * matching value. Pure. Runs where connections are owned.
 */
import { isValidSubject } from "../protocol/subject.ts";
import type { JwtPermission, UserPermissionLimits } from "./jwt_claims.ts";

/** What templates may refer to. */
export interface TemplateContext {
  userName: string;
  userSubject: string;
  userTags: string[];
  /** `issuer_account` of the user JWT. */
  accountSubject: string;
  accountName: string;
  accountTags: string[];
}

/** Thrown when a deny list yields an invalid subject ("User JWT generated invalid permissions"). */
export class TemplateError extends Error {
  override name = "TemplateError";
}

const isTemplate = (token: string) => token.startsWith("{{") && token.endsWith("}}");

function cartesian(lists: string[][]): string[][] {
  let out: string[][] = [[]];
  for (const list of lists) {
    const next: string[][] = [];
    for (const prefix of out) for (const value of list) next.push([...prefix, value]);
    out = next;
  }
  return out;
}

function tagValues(tags: string[], name: string): string[] {
  const prefix = `${name.toLowerCase()}:`;
  return tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
}

function expand(subject: string, ctx: TemplateContext): { tokens: string[]; values: string[][] } {
  const values: string[][] = [];
  const tokens = subject.split(".").map((token) => {
    if (!isTemplate(token)) return token;
    const op = token.slice(2, -2).toLowerCase();
    if (op === "name()") return ctx.userName;
    if (op === "subject()") return ctx.userSubject;
    if (op === "account-name()") return ctx.accountName;
    if (op === "account-subject()") return ctx.accountSubject;
    const tag = /^(account-tag|tag)\((.*)\)$/.exec(op);
    if (tag) {
      const found = tagValues(tag[1] === "tag" ? ctx.userTags : ctx.accountTags, tag[2]);
      if (found.length > 0) values.push(found);
      return "";
    }
    // An unknown function makes the subject invalid on purpose.
    return " ";
  });
  return { tokens, values };
}

function applyTemplate(
  list: string[] | null,
  failOnBadSubject: boolean,
  ctx: TemplateContext,
): string[] | null {
  if (list === null || !list.some((s) => s.split(".").some(isTemplate))) return list;
  const emitted: string[] = [];
  const emit = (subject: string) => {
    if (isValidSubject(subject)) emitted.push(subject);
    else if (failOnBadSubject) throw new TemplateError("generated invalid subject");
  };
  for (const subject of list) {
    const { tokens, values } = expand(subject, ctx);
    if (values.length === 0) {
      emit(tokens.join("."));
      continue;
    }
    for (const combination of cartesian(values)) {
      let next = 0;
      emit(tokens.map((t) => t === "" ? combination[next++] ?? "" : t).join("."));
    }
  }
  return emitted;
}

function applyPermission(p: JwtPermission, ctx: TemplateContext): JwtPermission {
  const allowWasSet = (p.allow?.length ?? 0) > 0;
  const allow = applyTemplate(p.allow, false, ctx);
  let deny = applyTemplate(p.deny, true, ctx);
  if (allowWasSet && (allow?.length ?? 0) === 0 && !(deny ?? []).includes(">")) {
    deny = [...(deny ?? []), ">"];
  }
  return { allow, deny };
}

/**
 * Fills a scoped signing key's template for one user. Throws {@link TemplateError} when a
 * deny subject comes out invalid.
 *
 * @example
 * ```ts
 * import { applyUserTemplate } from "./user_template.ts";
 * const none = { allow: null, deny: null };
 * const limits = {
 *   pub: { allow: ["{{name()}}.>"], deny: null }, sub: none, resp: null, src: null, times: null,
 *   locale: "", subs: -1, data: -1, payload: -1, bearerToken: false, allowedConnectionTypes: null,
 * };
 * const ctx = { userName: "bob", userSubject: "U", userTags: [], accountSubject: "A", accountName: "acc", accountTags: [] };
 * applyUserTemplate(limits, ctx).pub.allow; // ["bob.>"]
 * ```
 */
export function applyUserTemplate(
  template: UserPermissionLimits,
  ctx: TemplateContext,
): UserPermissionLimits {
  const sub = applyPermission(template.sub, ctx);
  const pub = applyPermission(template.pub, ctx);
  return { ...template, sub, pub };
}

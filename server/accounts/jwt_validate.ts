/**
 * @module
 * Claim validation (github.com/nats-io/jwt v2 `Validate` methods; behaviour and issue texts):
 * expiry and not-before as time checks, malformed permissions, limits, imports, exports and
 * signing keys as blocking errors. nats-server rejects a user or account JWT when any blocking
 * issue or time check is reported (`vr.IsBlocking(true)`). Pure: time is an argument. Runs
 * where connections are owned.
 */
import type { ClaimsData } from "./jwt.ts";
import { decodeJwt, JwtError } from "./jwt.ts";
import type {
  AccountClaims,
  JwtExport,
  JwtImport,
  JwtPermission,
  UserClaims,
  UserPermissionLimits,
} from "./jwt_claims.ts";
import { isPublicKey, NKeyPrefix } from "./nkey.ts";
import { isValidLocation, parseCidr, parseClock } from "./src_times.ts";

/** One validation finding (jwt `ValidationIssue`). */
export interface ValidationIssue {
  description: string;
  blocking: boolean;
  timeCheck: boolean;
}

/** Collects issues (jwt `ValidationResults`). */
class Issues {
  readonly list: ValidationIssue[] = [];
  error(description: string): void {
    this.list.push({ description, blocking: true, timeCheck: false });
  }
  time(description: string): void {
    this.list.push({ description, blocking: false, timeCheck: true });
  }
  warning(description: string): void {
    this.list.push({ description, blocking: false, timeCheck: false });
  }
}

/** jwt `ValidationResults.IsBlocking`. */
export function isBlocking(issues: ValidationIssue[], includeTimeChecks: boolean): boolean {
  return issues.some((i) => i.blocking || (includeTimeChecks && i.timeCheck));
}

const q = (s: string) => JSON.stringify(s);

function validateTimes(c: ClaimsData, nowMs: number, vr: Issues): void {
  const now = Math.floor(nowMs / 1000);
  if (c.exp !== undefined && c.exp > 0 && now > c.exp) vr.time("claim is expired");
  if (c.nbf !== undefined && c.nbf > 0 && c.nbf > now) vr.time("claim is not yet valid");
}

function validateSubject(subject: string, vr: Issues): void {
  if (subject === "") vr.error("subject cannot be empty");
  if (subject.includes(" ")) vr.error(`subject ${q(subject)} cannot have spaces`);
}

/** jwt `Subject.HasWildCards`. */
export function hasWildcards(v: string): boolean {
  return v.endsWith(".>") || v.includes(".*.") || v.endsWith(".*") || v.startsWith("*.") ||
    v === "*" || v === ">";
}

/** jwt `Subject.IsContainedIn`. */
export function isContainedIn(subject: string, other: string): boolean {
  const o = other.split(".");
  const mine = subject.split(".");
  if (mine.length > o.length && o[o.length - 1] !== ">") return false;
  if (mine.length < o.length) return false;
  for (let i = 0; i < o.length; i++) {
    if (i === o.length - 1 && o[i] === ">") return true;
    if (o[i] !== mine[i] && o[i] !== "*") return false;
  }
  return true;
}

function countTokenWildcards(subject: string): number {
  if (subject === "*") return 1;
  return subject.split(".").filter((t) => t === "*").length;
}

/** jwt `RenamingSubject.ToSubject`: `$N` references become `*`. */
export function renamingToSubject(subject: string): string {
  if (!subject.includes("$")) return subject;
  return subject.split(".").map((t) => /^\$[0-9]+$/.test(t) ? "*" : t).join(".");
}

function validateRenaming(subject: string, from: string, vr: Issues): void {
  validateSubject(subject, vr);
  if (from === "") vr.error("subject cannot be empty");
  if (subject.includes(" ")) vr.error(`subject ${q(subject)} cannot have spaces`);
  const suffix = (s: string) => s === ">" || s.endsWith(".>");
  if (suffix(subject) !== suffix(from)) {
    vr.error("both, renaming subject and subject, need to end or not end in >");
  }
  const fromCount = countTokenWildcards(from);
  let refs = 0;
  for (const token of subject.split(".")) {
    if (token === "*") refs++;
    if (token.length < 2 || token[0] !== "$" || !/^[+-]?[0-9]+$/.test(token.slice(1))) continue;
    const index = Number(token.slice(1));
    if (index > fromCount) {
      vr.error(`Reference $${index} in ${q(subject)} reference * in ${q(from)} that do not exist`);
    } else refs++;
  }
  if (refs !== fromCount) {
    vr.error("subject does not contain enough * or reference wildcards $[0-9]");
  }
}

function checkPermission(subject: string, permitQueue: boolean, vr: Issues): void {
  const tokens = subject.split(" ");
  if (tokens.length === 1) validateSubject(tokens[0], vr);
  else if (tokens.length === 2) {
    validateSubject(tokens[0], vr);
    validateSubject(tokens[1], vr);
    if (!permitQueue) vr.error(`Permission Subject "${subject}" is not allowed to contain queue`);
  } else vr.error(`Permission Subject "${subject}" contains too many spaces`);
}

function validatePermission(p: JwtPermission, permitQueue: boolean, vr: Issues): void {
  for (const subject of p.allow ?? []) checkPermission(subject, permitQueue, vr);
  for (const subject of p.deny ?? []) checkPermission(subject, permitQueue, vr);
}

function validatePermissionsAndLimits(l: UserPermissionLimits, vr: Issues): void {
  validatePermission(l.sub, true, vr);
  validatePermission(l.pub, false, vr);
  for (const cidr of l.src ?? []) {
    if (parseCidr(cidr) === null) vr.error(`invalid cidr ${q(cidr)} in user src limits`);
  }
  for (const range of l.times ?? []) {
    if (range.start === "") vr.error("time ranges start must contain a start");
    else if (parseClock(range.start) === null) {
      vr.error(`start in time range is invalid ${q(range.start)}`);
    }
    if (range.end === "") vr.error("time ranges end must contain an end");
    else if (parseClock(range.end) === null) {
      vr.error(`end in time range is invalid ${q(range.end)}`);
    }
  }
  if (l.locale !== "" && !isValidLocation(l.locale)) {
    vr.error(`could not parse iana time zone by name: unknown time zone ${l.locale}`);
  }
}

/**
 * jwt `UserClaims.Validate`.
 *
 * @example
 * ```ts ignore
 * import { isBlocking, validateUserClaims } from "./jwt_validate.ts";
 * const ok = !isBlocking(validateUserClaims(userClaims, Date.now()), true);
 * ```
 */
export function validateUserClaims(uc: UserClaims, nowMs: number): ValidationIssue[] {
  const vr = new Issues();
  validateTimes(uc.claims, nowMs, vr);
  validatePermissionsAndLimits(uc.limits, vr);
  if (uc.issuerAccount !== "" && !isPublicKey(uc.issuerAccount, NKeyPrefix.account)) {
    vr.error("account_id is not an account public key");
  }
  return vr.list;
}

function validateActivation(i: JwtImport, accountKey: string, vr: Issues): void {
  let act;
  try {
    act = decodeJwt(i.token);
    if (act.kind !== "activation") throw new JwtError("not activation claim");
  } catch {
    vr.error(`import ${q(i.subject)} contains an invalid activation token`);
    return;
  }
  const issuerAccount = typeof act.nats.issuer_account === "string" ? act.nats.issuer_account : "";
  const importSubject = typeof act.nats.subject === "string" ? act.nats.subject : "";
  const kind = typeof act.nats.kind === "string" ? act.nats.kind : "";
  if (!(act.claims.iss === i.account || issuerAccount === i.account)) {
    vr.error(`activation token doesn't match account for import ${q(i.subject)}`);
  }
  if (act.claims.sub !== accountKey) {
    vr.error(`activation token doesn't match account it is being included in, ${q(i.subject)}`);
  }
  if (kind !== i.type) {
    vr.error(`mismatch between token import type ${kind} and type of import ${i.type}`);
  }
  if (kind !== "stream" && kind !== "service") vr.error(`invalid import type: ${q(kind)}`);
  validateSubject(importSubject, vr);
  if (issuerAccount !== "" && !isPublicKey(issuerAccount, NKeyPrefix.account)) {
    vr.error("account_id is not an account public key");
  }
  const subject = i.type === "service" && i.to !== "" ? i.to : i.subject;
  if (!isContainedIn(subject, importSubject)) {
    vr.error(
      `activation token import subject ${q(importSubject)} doesn't match import ${q(i.subject)}`,
    );
  }
}

function validateImports(imports: (JwtImport | null)[], accountKey: string, vr: Issues): void {
  const localServices: string[] = [];
  for (const i of imports) {
    if (i === null) {
      vr.error("null import is not allowed");
      continue;
    }
    if (i.type === "service") {
      const local = i.to || renamingToSubject(i.localSubject) || i.subject;
      for (const other of localServices) {
        if (isContainedIn(local, other) || isContainedIn(other, local)) {
          vr.error(`overlapping subject namespace for ${q(local)} and ${q(other)}`);
        }
      }
      if (localServices.includes(local)) vr.error(`overlapping subject namespace for ${q(i.to)}`);
      else localServices.push(local);
    }
    if (i.type !== "service" && i.type !== "stream") vr.error(`invalid import type: ${q(i.type)}`);
    if (i.account === "") vr.error("account to import from is not specified");
    if (i.to !== "") vr.warning("the field to has been deprecated (use LocalSubject instead)");
    validateSubject(i.subject, vr);
    if (i.localSubject !== "") {
      validateRenaming(i.localSubject, i.subject, vr);
      if (i.to !== "") vr.error("Local Subject replaces To");
    }
    if (i.share && i.type !== "service") {
      vr.error(
        `sharing information (for latency tracking) is only valid for services: ${q(i.subject)}`,
      );
    }
    if (i.token !== "") validateActivation(i, accountKey, vr);
  }
}

function validateExport(e: JwtExport, vr: Issues): void {
  const service = e.type === "service";
  if (!service && e.type !== "stream") vr.error(`invalid export type: ${q(e.type)}`);
  if (service && !["", "Singleton", "Stream", "Chunked"].includes(e.responseType)) {
    vr.error(`invalid response type for service: ${q(e.responseType)}`);
  }
  if (e.type === "stream" && e.responseType !== "") {
    vr.error(`invalid response type for stream: ${q(e.responseType)}`);
  }
  if (e.latency !== null) {
    if (!service) vr.error("latency tracking only permitted for services");
    if (e.latency.sampling !== 0 && (e.latency.sampling < 1 || e.latency.sampling > 100)) {
      vr.error("sampling percentage needs to be between 1-100");
    }
    validateSubject(e.latency.results, vr);
    if (hasWildcards(e.latency.results)) vr.error("results subject can not contain wildcards");
  }
  if (e.responseThreshold < 0) vr.error("negative response threshold is invalid");
  if (e.responseThreshold > 0 && !service) vr.error("response threshold only valid for services");
  validateSubject(e.subject, vr);
  if (e.accountTokenPosition > 0) {
    if (!hasWildcards(e.subject)) {
      vr.error(
        `Account Token Position can only be used with wildcard subjects: ${e.subject}`,
      );
    } else {
      const tokens = e.subject.split(".");
      if (e.accountTokenPosition > tokens.length) {
        vr.error(
          `Account Token Position ${e.accountTokenPosition} exceeds length of subject '${e.subject}'`,
        );
      } else if (tokens[e.accountTokenPosition - 1] !== "*") {
        vr.error(
          `Account Token Position ${e.accountTokenPosition} matches '${
            tokens[e.accountTokenPosition - 1]
          }' but must match a * in: ${e.subject}`,
        );
      }
    }
  }
}

function checkContainment(kind: string, subjects: string[], vr: Issues): void {
  const found = new Map<string, string>();
  subjects.forEach((ns, i) => {
    subjects.forEach((s, j) => {
      if (i !== j && isContainedIn(ns, s) && !found.has(s)) found.set(s, ns);
    });
  });
  for (const [k, v] of found) vr.error(`${kind} export subject ${q(k)} already exports ${q(v)}`);
}

/**
 * jwt `AccountClaims.Validate`.
 *
 * @example
 * ```ts ignore
 * import { isBlocking, validateAccountClaims } from "./jwt_validate.ts";
 * const ok = !isBlocking(validateAccountClaims(accountClaims, Date.now()), true);
 * ```
 */
export function validateAccountClaims(ac: AccountClaims, nowMs: number): ValidationIssue[] {
  const vr = new Issues();
  validateTimes(ac.claims, nowMs, vr);
  validateImports(ac.imports, ac.claims.sub, vr);
  const services: string[] = [];
  const streams: string[] = [];
  for (const e of ac.exports) {
    if (e === null) {
      vr.error("null export is not allowed");
      continue;
    }
    (e.type === "service" ? services : streams).push(e.subject);
    validateExport(e, vr);
  }
  checkContainment("service", services, vr);
  checkContainment("stream", streams, vr);
  const limits = ac.limits;
  const tiers = limits.tieredLimits ?? {};
  if (Object.keys(tiers).length > 0 && "" in tiers) {
    vr.error(`Tiered JetStream Limits can not contain a blank "" tier name`);
  }
  validatePermissionsAndLimits(ac.defaultPermissions, vr);
  for (const [from, mappings] of Object.entries(ac.mappings)) {
    validateSubject(from, vr);
    let total = 0;
    for (const m of mappings) {
      validateSubject(m.subject, vr);
      if (hasWildcards(m.subject)) {
        vr.error(
          `Subject ${q(m.subject)} in weighted mapping ${
            q(from)
          } is not allowed to contains wildcard`,
        );
      }
      total = (total + (m.weight === 0 ? 100 : m.weight)) & 0xff;
    }
    if (total > 100) {
      vr.error(`Mapping ${q(from)} exceeds 100% among all of it's weighted to mappings`);
    }
  }
  const importCount = ac.imports.length;
  if (!limits.empty && limits.imports >= 0 && importCount > limits.imports) {
    vr.error("the account contains more imports than allowed by the operator");
  }
  if (limits.imports !== -1 && importCount > limits.imports) {
    vr.error("the account contains more imports than allowed by the operator");
  }
  if (limits.exports !== -1) {
    if (ac.exports.length > limits.exports) {
      vr.error("the account contains more exports than allowed by the operator");
    }
    if (!limits.wildcards) {
      for (const e of ac.exports) {
        if (e !== null && hasWildcards(e.subject)) {
          vr.error("the account contains wildcard exports that are not allowed by the operator");
        }
      }
    }
  }
  for (const [key, scope] of ac.signingKeys) {
    if (scope !== null) {
      if (!isPublicKey(scope.key, NKeyPrefix.account)) {
        vr.error(`${scope.key} is not an account public key`);
      }
    } else if (!isPublicKey(key, NKeyPrefix.account)) {
      vr.error(`${q(key)} is not a valid account signing key`);
    }
  }
  if (isPublicKey(ac.claims.iss, NKeyPrefix.account) && !limits.empty) {
    vr.warning("self-signed account JWTs shouldn't contain operator limits");
  }
  return vr.list;
}

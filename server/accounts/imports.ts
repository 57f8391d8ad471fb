/**
 * @module
 * Linking account imports to exports (nats-server server/accounts.go AddStreamImport,
 * AddMappedStreamImport, AddServiceImport, checkStreamImportAuthorized,
 * checkServiceImportAuthorized, the cycle checks, and the second half of opts.go
 * parseAccounts; behaviour and error texts). `resolveImports` says, per account, which
 * subjects it imports from where, for routing to wire up. Pure apart from activation-token
 * signature checks. Runs in the main isolate.
 */
import { isValidSubject } from "../protocol/subject.ts";
import { subjectIsLiteral, subjectIsSubsetMatch } from "../sublist/sublist.ts";
import type {
  AccountConfig,
  ResponseType,
  ServiceExport,
  StreamExport,
  StreamImport,
} from "./account_config.ts";
import { decodeJwt } from "./jwt.ts";
import { isContainedIn } from "./jwt_validate.ts";

/** A stream import, resolved: messages on `subject` in `account` are delivered locally. */
export interface ResolvedStreamImport {
  /** Exporting account. */
  account: string;
  /** Subject (possibly with wildcards) in the exporting account. */
  subject: string;
  /** Local subject after `to` / `prefix` (equals `subject` when neither is set). */
  localSubject: string;
  /** True when a wildcard import keeps the published subject unchanged (nats-server usePub). */
  usePub: boolean;
}

/** A service import, resolved: requests on `localSubject` go to `subject` in `account`. */
export interface ResolvedServiceImport {
  localSubject: string;
  /** Exporting account. */
  account: string;
  /** Subject in the exporting account. */
  subject: string;
  /** Response type of the matching export (Singleton when none matches directly). */
  responseType: ResponseType;
  share: boolean;
  usePub: boolean;
}

/** What one account imports. */
export interface AccountImports {
  streams: ResolvedStreamImport[];
  services: ResolvedServiceImport[];
}

/** Result of {@link linkAccounts}. */
export interface LinkResult {
  imports: Map<string, AccountImports>;
  errors: string[];
}

const q = (s: string) => JSON.stringify(s);

const ERR_INVALID_SUBJECT = "sublist: invalid subject";
const ERR_STREAM_AUTH = "stream import not authorized";
const ERR_SERVICE_AUTH = "service import not authorized";
const ERR_BAD_PREFIX = "stream import prefix can not contain wildcard tokens";
const ERR_STREAM_DUPLICATE = "stream import already exists";
const ERR_CYCLE = "import forms a cycle";
const ERR_CYCLE_DEPTH = "search cycle depth exhausted";
const MAX_CYCLE_DEPTH = 1024;

/** An export as registered: who may import it. */
interface ExportAuth<E extends StreamExport> {
  def: E;
  approved: Set<string> | null;
}

interface LinkedAccount {
  config: AccountConfig;
  streamExports: Map<string, ExportAuth<StreamExport>>;
  serviceExports: Map<string, ExportAuth<ServiceExport>>;
  imports: AccountImports;
}

function tokensCanMatch(a: string, b: string): boolean {
  if (a === "*" || b === "*" || a === ">" || b === ">") return true;
  return a === b;
}

/** nats-server `SubjectsCollide`: could one literal subject match both? */
export function subjectsCollide(a: string, b: string): boolean {
  if (a === b) return true;
  const ta = a.split(".");
  const tb = b.split(".");
  const wild = (t: string[]) => ({ pwc: t.includes("*"), fwc: t.includes(">") });
  const wa = wild(ta);
  const wb = wild(tb);
  const la = !wa.pwc && !wa.fwc;
  const lb = !wb.pwc && !wb.fwc;
  if (la && lb) return false;
  if (la) return subjectIsSubsetMatch(a, b);
  if (lb) return subjectIsSubsetMatch(b, a);
  if (!wa.fwc && !wb.fwc && ta.length !== tb.length) return false;
  if (ta.length < tb.length && !wa.fwc) return false;
  if (tb.length < ta.length && !wb.fwc) return false;
  const stop = Math.min(ta.length, tb.length);
  for (let i = 0; i < stop; i++) if (!tokensCanMatch(ta[i], tb[i])) return false;
  return true;
}

/** Finds the export approving `subject` (direct first, then the first wildcard superset). */
function findExport<E extends StreamExport>(
  exports: Map<string, ExportAuth<E>>,
  subject: string,
): { auth: ExportAuth<E>; direct: boolean } | null {
  const direct = exports.get(subject);
  if (direct) return { auth: direct, direct: true };
  for (const [exported, auth] of exports) {
    if (subjectIsSubsetMatch(subject, exported)) return { auth, direct: false };
  }
  return null;
}

/** Checks an activation token: issued by the exporter (or its signing key) to the importer. */
function activationValid(
  token: string | undefined,
  importer: string,
  exporter: LinkedAccount,
  subject: string,
  nowMs: number,
): boolean {
  if (!token) return false;
  try {
    const act = decodeJwt(token);
    if (act.kind !== "activation" || act.claims.sub !== importer) return false;
    const issuerAccount = typeof act.nats.issuer_account === "string"
      ? act.nats.issuer_account
      : "";
    const exporterKey = exporter.config.nkey ?? exporter.config.name;
    const issuerOk = act.claims.iss === exporterKey ||
      (issuerAccount === exporterKey &&
        (exporter.config.signingKeys ?? []).includes(act.claims.iss));
    if (!issuerOk) return false;
    const now = Math.floor(nowMs / 1000);
    if (act.claims.exp && act.claims.exp > 0 && now > act.claims.exp) return false;
    if (act.claims.nbf && act.claims.nbf > now) return false;
    const importSubject = typeof act.nats.subject === "string" ? act.nats.subject : "";
    return isContainedIn(subject, importSubject);
  } catch {
    return false;
  }
}

/** nats-server `checkAuth` for one export. */
function checkAuth(
  found: { auth: ExportAuth<StreamExport>; direct: boolean },
  importer: string,
  subject: string,
  exporter: LinkedAccount,
  token: string | undefined,
  nowMs: number,
): boolean {
  const { def, approved } = found.auth;
  if (approved === null && !def.tokenRequired && def.accountTokenPosition === 0) return true;
  if (def.accountTokenPosition > 0) {
    if (found.direct) return false;
    const tokens = subject.split(".");
    return def.accountTokenPosition <= tokens.length &&
      tokens[def.accountTokenPosition - 1] === importer;
  }
  if (def.tokenRequired) return activationValid(token, importer, exporter, subject, nowMs);
  return approved !== null && approved.has(importer);
}

function registerExports<E extends StreamExport>(
  kind: "stream" | "service",
  exports: E[],
  into: Map<string, ExportAuth<E>>,
  names: ReadonlySet<string>,
  errors: string[],
): void {
  for (const def of exports) {
    let approved: Set<string> | null = null;
    for (const name of def.accounts ?? []) {
      if (!names.has(name)) errors.push(`${q(name)} account not defined for ${kind} export`);
      else (approved ??= new Set()).add(name);
    }
    if (def.accountTokenPosition > 0) {
      const tokens = def.subject.split(".");
      if (
        tokens.length < def.accountTokenPosition || tokens[def.accountTokenPosition - 1] !== "*"
      ) {
        errors.push(
          `Error adding ${kind} export ${q(def.subject)}: ${ERR_INVALID_SUBJECT}`,
        );
        continue;
      }
    }
    into.set(def.subject, { def, approved });
  }
}

function streamCycle(
  accounts: Map<string, LinkedAccount>,
  account: LinkedAccount,
  to: string,
  visited: Set<string>,
): string | null {
  if (visited.size >= MAX_CYCLE_DEPTH) return ERR_CYCLE_DEPTH;
  let matching = false;
  for (const subject of account.streamExports.keys()) {
    if (subjectIsSubsetMatch(to, subject)) matching = true;
  }
  if (!matching) return null;
  for (const si of account.imports.streams) {
    if (!subjectsCollide(to, si.localSubject)) continue;
    if (visited.has(si.account)) return ERR_CYCLE;
    visited.add(account.config.name);
    const next = subjectIsSubsetMatch(si.localSubject, to) ? si.localSubject : to;
    const source = accounts.get(si.account);
    const err = source ? streamCycle(accounts, source, next, visited) : null;
    if (err) return err;
  }
  return null;
}

function serviceCycle(
  accounts: Map<string, LinkedAccount>,
  account: LinkedAccount,
  from: string,
  visited: Set<string>,
): string | null {
  if (visited.size >= MAX_CYCLE_DEPTH) return ERR_CYCLE_DEPTH;
  for (const si of account.imports.services) {
    if (!subjectsCollide(from, si.subject)) continue;
    if (visited.has(si.account)) return ERR_CYCLE;
    visited.add(account.config.name);
    const next = subjectIsSubsetMatch(si.localSubject, from) ? si.localSubject : from;
    const target = accounts.get(si.account);
    const err = target ? serviceCycle(accounts, target, next, visited) : null;
    if (err) return err;
  }
  return null;
}

function addStreamImport(
  accounts: Map<string, LinkedAccount>,
  importer: LinkedAccount,
  exporter: LinkedAccount,
  imp: StreamImport,
  nowMs: number,
): string | null {
  const from = imp.subject;
  const authorized = () => {
    if (exporter.streamExports.size === 0 || !isValidSubject(from)) return false;
    const found = findExport(exporter.streamExports, from);
    return found !== null &&
      checkAuth(found, importer.config.name, from, exporter, imp.token, nowMs);
  };
  let to = imp.to;
  if (imp.prefix !== "") {
    if (!authorized()) return ERR_STREAM_AUTH;
    if (!subjectIsLiteral(imp.prefix)) return ERR_BAD_PREFIX;
    to = (imp.prefix.endsWith(".") ? imp.prefix : imp.prefix + ".") + from;
  }
  if (!authorized()) return ERR_STREAM_AUTH;
  if (to === "") to = from;
  const cycle = streamCycle(accounts, exporter, to, new Set([importer.config.name]));
  if (cycle) return cycle;
  const usePub = !subjectIsLiteral(from) && to === from;
  if (
    importer.imports.streams.some((s) => s.account === exporter.config.name && s.subject === from)
  ) {
    return ERR_STREAM_DUPLICATE;
  }
  importer.imports.streams.push({
    account: exporter.config.name,
    subject: from,
    localSubject: to,
    usePub,
  });
  return null;
}

function addServiceImport(
  accounts: Map<string, LinkedAccount>,
  importer: LinkedAccount,
  exporter: LinkedAccount,
  from: string,
  to: string,
  share: boolean,
  token: string | undefined,
  nowMs: number,
): string | null {
  if (!isValidSubject(from) || !isValidSubject(to)) return ERR_INVALID_SUBJECT;
  const found = exporter.serviceExports.size === 0 ? null : findExport(exporter.serviceExports, to);
  if (found === null || !checkAuth(found, importer.config.name, to, exporter, token, nowMs)) {
    return ERR_SERVICE_AUTH;
  }
  const cycle = serviceCycle(accounts, exporter, from, new Set([importer.config.name]));
  if (cycle) return cycle;
  const dup = importer.imports.services.find((s) => s.localSubject === from);
  if (dup) {
    return `duplicate service import subject ${q(from)}, previously used in import for account ${
      q(dup.account)
    }, subject ${q(dup.subject)}`;
  }
  importer.imports.services.push({
    localSubject: from,
    account: exporter.config.name,
    subject: to,
    responseType: (found.auth.def as ServiceExport).responseType,
    share,
    usePub: !subjectIsLiteral(to) && to === from,
  });
  return null;
}

/**
 * Registers every account's exports, then adds each import in order, collecting nats-server's
 * startup errors. `nowMs` is used for JWT activation-token expiry.
 */
export function linkAccounts(accounts: AccountConfig[], nowMs = 0): LinkResult {
  const errors: string[] = [];
  const linked = new Map<string, LinkedAccount>();
  for (const config of accounts) {
    linked.set(config.name, {
      config,
      streamExports: new Map(),
      serviceExports: new Map(),
      imports: { streams: [], services: [] },
    });
  }
  const names = new Set(linked.keys());
  for (const account of linked.values()) {
    registerExports("stream", account.config.streamExports, account.streamExports, names, errors);
  }
  for (const account of linked.values()) {
    registerExports(
      "service",
      account.config.serviceExports,
      account.serviceExports,
      names,
      errors,
    );
  }
  for (const account of linked.values()) {
    for (const imp of account.config.streamImports) {
      const exporter = linked.get(imp.account);
      if (!exporter) {
        errors.push(`${q(imp.account)} account not defined for stream import`);
        continue;
      }
      const err = addStreamImport(linked, account, exporter, imp, nowMs);
      if (err) errors.push(`Error adding stream import ${q(imp.subject)}: ${err}`);
    }
  }
  for (const account of linked.values()) {
    for (const imp of account.config.serviceImports) {
      const exporter = linked.get(imp.account);
      if (!exporter) {
        errors.push(`${q(imp.account)} account not defined for service import`);
        continue;
      }
      const to = imp.to || imp.subject;
      const err = addServiceImport(
        linked,
        account,
        exporter,
        to,
        imp.subject,
        imp.share,
        imp.token,
        nowMs,
      );
      if (err) errors.push(`Error adding service import ${q(imp.subject)}: ${err}`);
    }
  }
  const imports = new Map<string, AccountImports>();
  for (const [name, account] of linked) imports.set(name, account.imports);
  return { imports, errors };
}

/**
 * For each account, which subjects it imports from where (imports that nats-server would
 * reject are left out; {@link linkAccounts} reports why).
 *
 * @example
 * ```ts
 * import { resolveImports } from "./imports.ts";
 * import { unlimited, type AccountConfig } from "./account_config.ts";
 * const base = { users: [], streamExports: [], serviceExports: [], streamImports: [], serviceImports: [], limits: unlimited(), jetstreamLimits: null };
 * const a: AccountConfig = { ...base, name: "A", streamExports: [{ subject: "news.>", accounts: null, accountTokenPosition: 0, tokenRequired: false }] };
 * const b: AccountConfig = { ...base, name: "B", streamImports: [{ account: "A", subject: "news.>", to: "", prefix: "a" }] };
 * resolveImports([a, b]).get("B")?.streams[0].localSubject; // "a.news.>"
 * ```
 */
export function resolveImports(
  accounts: AccountConfig[],
  nowMs: number = Date.now(),
): Map<string, AccountImports> {
  return linkAccounts(accounts, nowMs).imports;
}

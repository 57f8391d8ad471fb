/**
 * @module
 * Subject mappings of an account (nats-server 2.9.10 accounts.go AddWeightedMappings,
 * selectMappedSubject, newTransform / transform, sublist.go ValidateMappingDestination): a
 * published subject is rewritten before it is matched, to one destination chosen at random by
 * weight. Destinations use `$n` (legacy) or `{{wildcard(n)}}`, `{{partition(n,i...)}}`,
 * `{{split(i,delim)}}`, `{{splitFromLeft(i,pos)}}`, `{{splitFromRight(i,pos)}}`,
 * `{{sliceFromLeft(i,size)}}` and `{{sliceFromRight(i,size)}}`. Pure apart from the random
 * source; runs where connections are owned.
 */
import type { MsgOp } from "../protocol/sink.ts";
import type { RewrittenOp } from "./import_routing.ts";

/** One configured destination (nats-server `MapDest`): weight is a percentage, 0..100. */
export interface MapDest {
  subject: string;
  weight: number;
  /** Applies only on servers of this cluster ("" for any). */
  cluster: string;
}

/** A mapping rejected with nats-server's error text (`invalid subject`, ...). */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

const BAD_DEST = "invalid mapping destination";
const ERR_DEST_SUBJECT = `${BAD_DEST}: invalid subject`;
const ERR_NOT_ALL_WILDCARDS = `${BAD_DEST}: not using all of the token wildcard(s)`;
const ERR_UNKNOWN_FUNCTION = `${BAD_DEST}: unknown function`;
const ERR_INDEX_RANGE = `${BAD_DEST}: wildcard index out of range`;
const ERR_NOT_ENOUGH = `${BAD_DEST}: not enough arguments passed to the function`;
const ERR_BAD_ARG = `${BAD_DEST}: function argument is invalid or in the wrong format`;
const ERR_TOO_MANY = `${BAD_DEST}: too many arguments passed to the function`;

const destError = (err: string, token: string) => new MappingError(`${err} in ${token}`);

const Fn = {
  None: 0,
  Wildcard: 1,
  Partition: 2,
  SplitFromLeft: 3,
  SplitFromRight: 4,
  SliceFromLeft: 5,
  SliceFromRight: 6,
  Split: 7,
} as const;
type FnType = typeof Fn[keyof typeof Fn];

/** Function regexes, tried in nats-server's order (unanchored, like its FindStringSubmatch). */
const FUNCTIONS: readonly [RegExp, FnType][] = [
  [/{{\s*[wW]ildcard\s*\((.*)\)\s*}}/, Fn.Wildcard],
  [/{{\s*[pP]artition\s*\((.*)\)\s*}}/, Fn.Partition],
  [/{{\s*[sS]plit[fF]rom[lL]eft\s*\((.*)\)\s*}}/, Fn.SplitFromLeft],
  [/{{\s*[sS]plit[fF]rom[rR]ight\s*\((.*)\)\s*}}/, Fn.SplitFromRight],
  [/{{\s*[sS]lice[fF]rom[lL]eft\s*\((.*)\)\s*}}/, Fn.SliceFromLeft],
  [/{{\s*[sS]lice[fF]rom[rR]ight\s*\((.*)\)\s*}}/, Fn.SliceFromRight],
  [/{{\s*[sS]plit\s*\((.*)\)\s*}}/, Fn.Split],
];

/** Go strconv.Atoi, after trimming spaces; NaN when not an integer. */
function atoi(text: string): number {
  const t = text.replace(/^ +| +$/g, "");
  return /^[+-]?[0-9]+$/.test(t) ? Number(t) : NaN;
}

const isMustache = (t: string) => t.length > 4 && t.startsWith("{{") && t.endsWith("}}");

/** One destination token: literal, or a function of wildcard tokens. */
interface DestToken {
  fn: FnType;
  /** Source token positions (for functions). */
  sources: number[];
  intArg: number;
  strArg: string;
}

/** Parses a destination token (nats-server indexPlaceHolders); indexes are wildcard numbers. */
function parseToken(token: string): DestToken {
  const none: DestToken = { fn: Fn.None, sources: [], intArg: -1, strArg: "" };
  if (token.length < 2) return none;
  if (token[0] === "$") {
    const n = atoi(token.slice(1));
    return Number.isNaN(n) ? none : { fn: Fn.Wildcard, sources: [n], intArg: -1, strArg: "" };
  }
  if (!isMustache(token)) return none;
  for (const [re, fn] of FUNCTIONS) {
    const m = re.exec(token);
    if (!m) continue;
    const args = m[1].split(/,\s*/);
    const fail = (err: string) => destError(err, token);
    if (fn === Fn.Wildcard) {
      if (args.length === 1 && args[0] === "") throw fail(ERR_NOT_ENOUGH);
      if (args.length > 1) throw fail(ERR_TOO_MANY);
      const i = atoi(args[0]);
      if (Number.isNaN(i)) throw fail(ERR_BAD_ARG);
      return { fn, sources: [i], intArg: -1, strArg: "" };
    }
    if (fn === Fn.Partition) {
      if (args.length < 2) throw fail(ERR_NOT_ENOUGH);
      const n = atoi(args[0]);
      const sources = args.slice(1).map(atoi);
      if (Number.isNaN(n) || sources.some(Number.isNaN)) throw fail(ERR_BAD_ARG);
      return { fn, sources, intArg: n, strArg: "" };
    }
    if (args.length < 2) throw fail(ERR_NOT_ENOUGH);
    if (args.length > 2) throw fail(ERR_TOO_MANY);
    const i = atoi(args[0]);
    if (Number.isNaN(i)) throw fail(ERR_BAD_ARG);
    if (fn === Fn.Split) {
      if (args[1].includes(" ") || args[1].includes(".")) throw fail(ERR_BAD_ARG);
      return { fn, sources: [i], intArg: -1, strArg: args[1] };
    }
    const n = atoi(args[1]);
    if (Number.isNaN(n)) throw fail(ERR_BAD_ARG);
    return { fn, sources: [i], intArg: n, strArg: "" };
  }
  throw destError(ERR_UNKNOWN_FUNCTION, token);
}

/** nats-server ValidateMappingDestination. */
function validateDestination(subject: string): void {
  let fwc = false;
  for (const t of subject.split(".")) {
    if (t.length === 0 || fwc) throw destError(ERR_DEST_SUBJECT, t);
    if (isMustache(t)) {
      if (!FUNCTIONS.some(([re]) => re.test(t))) throw destError(ERR_UNKNOWN_FUNCTION, t);
      continue;
    }
    if (t === ">") fwc = true;
    else if (/[\t\n\f\r ]/.test(t)) throw new MappingError(ERR_DEST_SUBJECT);
  }
}

/** Tokens of a valid subject with its `*` count and `>`; null when invalid (subjectInfo). */
function subjectInfo(subject: string): { tokens: string[]; pwcs: number; fwc: boolean } | null {
  if (subject === "") return null;
  const tokens = subject.split(".");
  let pwcs = 0;
  let fwc = false;
  for (const t of tokens) {
    if (t.length === 0 || fwc) return null;
    if (t === ">") fwc = true;
    else if (t === "*") pwcs++;
  }
  return { tokens, pwcs, fwc };
}

/** FNV-1a 32 of the UTF-8 bytes of `key`. */
function fnv1a32(key: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(key)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** A compiled `src -> dest` transform (nats-server newTransform). */
export class SubjectTransform {
  readonly src: string;
  readonly dest: string;
  readonly #srcTokens: number;
  readonly #destTokens: string[];
  /** One per destination token; empty when `src` is literal (the dest is used as is). */
  readonly #parts: DestToken[] = [];

  /** Throws {@linkcode MappingError} with nats-server's text when the pair is invalid. */
  constructor(src: string, dest: string) {
    const s = subjectInfo(src);
    const d = subjectInfo(dest);
    if (!s || !d || d.pwcs > 0 || s.fwc !== d.fwc) throw new MappingError("invalid subject");
    this.src = src;
    this.dest = dest;
    this.#srcTokens = s.tokens.length;
    this.#destTokens = d.tokens;
    if (s.pwcs === 0 && !s.fwc) return;
    // Wildcard number (1-based) -> source token position; unknown numbers read token 0.
    const positions = new Map<number, number>();
    s.tokens.forEach((t, i) => t === "*" && positions.set(positions.size + 1, i));
    let placeholders = 0;
    for (const token of d.tokens) {
      const part = parseToken(token);
      if (part.fn !== Fn.None) {
        placeholders++;
        part.sources = part.sources.map((w) => {
          if (w > s.pwcs) throw destError(ERR_INDEX_RANGE, `${token}: [${w}]`);
          return positions.get(w) ?? 0;
        });
      }
      this.#parts.push(part);
    }
    if (placeholders < s.pwcs) throw destError(ERR_NOT_ALL_WILDCARDS, dest);
  }

  /** True when the destination does not depend on the published subject. */
  get literal(): boolean {
    return this.#parts.length === 0;
  }

  /**
   * The destination for a published subject's `tokens` (which must match `src`).
   *
   * @example
   * ```ts
   * import { SubjectTransform } from "./mapping.ts";
   * const t = new SubjectTransform("orders.*.>", "o.{{wildcard(1)}}.>");
   * if (t.apply("orders.eu.a.b".split(".")) !== "o.eu.a.b") throw new Error();
   * ```
   */
  apply(tokens: readonly string[]): string {
    const parts = this.#parts;
    if (parts.length === 0) return this.dest;
    const out: string[] = [];
    const dtoks = this.#destTokens;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.fn === Fn.None) {
        if (dtoks[i] === ">") break;
        out.push(dtoks[i]);
        continue;
      }
      const token = tokens[p.sources[0]] ?? "";
      out.push(applyFunction(p, token, tokens));
    }
    if (dtoks[dtoks.length - 1] === ">") {
      for (let i = this.#srcTokens - 1; i < tokens.length; i++) out.push(tokens[i]);
    }
    return out.join(".");
  }
}

/** One function token's output (may contain dots: split/slice make several tokens). */
function applyFunction(p: DestToken, token: string, tokens: readonly string[]): string {
  const n = p.intArg;
  const len = token.length;
  switch (p.fn) {
    case Fn.Wildcard:
      return token;
    case Fn.Partition: {
      const key = p.sources.map((i) => tokens[i] ?? "").join("");
      return n > 0 ? String(fnv1a32(key) % n) : "0";
    }
    case Fn.SplitFromLeft:
      return n > 0 && n < len ? `${token.slice(0, n)}.${token.slice(n)}` : token;
    case Fn.SplitFromRight:
      return n > 0 && n < len ? `${token.slice(0, len - n)}.${token.slice(len - n)}` : token;
    case Fn.SliceFromLeft: {
      if (!(n > 0 && n < len)) return token;
      const pieces: string[] = [];
      for (let i = 0; i < len; i += n) pieces.push(token.slice(i, i + n));
      return pieces.join(".");
    }
    case Fn.SliceFromRight: {
      if (!(n > 0 && n < len)) return token;
      const pieces: string[] = [];
      const rem = len % n;
      if (rem > 0) pieces.push(token.slice(0, rem));
      for (let i = rem; i < len; i += n) pieces.push(token.slice(i, i + n));
      return pieces.join(".");
    }
    default: {
      // Empty pieces are dropped; a dot goes before each non-empty piece but a leading one.
      const splits = token.split(p.strArg);
      let out = "";
      for (let j = 0; j < splits.length; j++) {
        out += splits[j];
        if (j < splits.length - 1 && splits[j + 1] !== "" && !(j === 0 && splits[j] === "")) {
          out += ".";
        }
      }
      return out;
    }
  }
}

/** A destination with its cumulative weight bound (0 < bound <= 100). */
interface Weighted {
  transform: SubjectTransform;
  bound: number;
}

/** One compiled mapping of an account. */
export class Mapping {
  readonly src: string;
  readonly wildcard: boolean;
  readonly #srcTokens: string[];
  readonly dests: readonly Weighted[];
  readonly clusterDests: ReadonlyMap<string, readonly Weighted[]>;

  /**
   * Validates and compiles `src -> dests` as nats-server AddWeightedMappings (weights under 100%
   * leave the rest on `src`, unless `src` is itself a destination). Throws
   * {@linkcode MappingError} with its text.
   */
  constructor(src: string, dests: readonly MapDest[]) {
    const info = subjectInfo(src);
    if (!info) throw new MappingError("invalid subject");
    this.src = src;
    this.#srcTokens = info.tokens;
    this.wildcard = info.pwcs > 0 || info.fwc;
    const seen = new Set<string>();
    const plain: { transform: SubjectTransform; weight: number }[] = [];
    const byCluster = new Map<string, { transform: SubjectTransform; weight: number }[]>();
    let total = 0;
    for (const d of dests) {
      if (seen.has(d.subject)) {
        throw new MappingError(`duplicate entry for ${JSON.stringify(d.subject)}`);
      }
      seen.add(d.subject);
      if (d.weight > 100) throw new MappingError("individual weights need to be <= 100");
      total += d.weight;
      if (total > 100) throw new MappingError("total weight needs to be <= 100");
      validateDestination(d.subject);
      const entry = { transform: new SubjectTransform(src, d.subject), weight: d.weight };
      if (d.cluster === "") plain.push(entry);
      else byCluster.set(d.cluster, [...(byCluster.get(d.cluster) ?? []), entry]);
    }
    const finish = (list: { transform: SubjectTransform; weight: number }[]): Weighted[] => {
      const sum = list.reduce((a, d) => a + d.weight, 0);
      if (sum !== 100 && !seen.has(src)) {
        let n = 0;
        const self = this.wildcard
          ? info.tokens.map((t) => (t === "*" ? `$${++n}` : t)).join(".")
          : src;
        list.push({
          transform: new SubjectTransform(src, self),
          weight: list.length === 0 ? 100 : 100 - sum,
        });
      }
      list.sort((a, b) => a.weight - b.weight);
      let bound = 0;
      return list.map((d) => ({ transform: d.transform, bound: bound += d.weight }));
    };
    this.dests = finish(plain);
    const clusters = new Map<string, Weighted[]>();
    for (const [name, list] of byCluster) clusters.set(name, finish(list));
    this.clusterDests = clusters;
  }

  /** True when the published subject's `tokens` match this mapping's source. */
  matches(subject: string, tokens: readonly string[]): boolean {
    if (!this.wildcard) return subject === this.src;
    const src = this.#srcTokens;
    for (let i = 0; i < src.length; i++) {
      if (src[i] === ">") return tokens.length > i;
      if (i >= tokens.length) return false;
      if (src[i] !== "*" && src[i] !== tokens[i]) return false;
    }
    return tokens.length === src.length;
  }
}

/** An account's mappings, as applied to published subjects. */
export class AccountMappings {
  readonly mappings: readonly Mapping[];
  readonly #cluster: string;
  readonly #random: () => number;

  /** `cluster` selects cluster-scoped destinations; `random` returns [0, 1) (Math.random). */
  constructor(mappings: readonly Mapping[], cluster = "", random: () => number = Math.random) {
    this.mappings = mappings;
    this.#cluster = cluster;
    this.#random = random;
  }

  /**
   * The subject `subject` is published as, or null when no mapping applies. A weighted pick
   * that falls in an unassigned share gives "" (the message is lost, as nats-server).
   *
   * @example
   * ```ts
   * import { AccountMappings, Mapping } from "./mapping.ts";
   * const m = new AccountMappings([new Mapping("a.*", [{ subject: "b.$1", weight: 100, cluster: "" }])]);
   * if (m.select("a.x") !== "b.x" || m.select("c") !== null) throw new Error();
   * ```
   */
  select(subject: string): string | null {
    const tokens = subject.split(".");
    const m = this.mappings.find((m) => m.matches(subject, tokens));
    if (!m) return null;
    const dests = (this.#cluster !== "" && m.clusterDests.get(this.#cluster)) || m.dests;
    let chosen: Weighted | undefined;
    if (dests.length === 1 && dests[0].bound === 100) chosen = dests[0];
    else {
      const w = Math.floor(this.#random() * 100);
      chosen = dests.find((d) => w < d.bound);
    }
    return chosen ? chosen.transform.apply(tokens) : "";
  }

  /**
   * These mappings followed by those of `extra` whose source is not mapped here already
   * (nats-server keeps an account's own mappings over the ones JetStream adds).
   */
  withDefaults(extra: readonly Mapping[]): AccountMappings {
    const own = new Set(this.mappings.map((m) => m.src));
    const added = extra.filter((m) => !own.has(m.src));
    return new AccountMappings([...this.mappings, ...added], this.#cluster, this.#random);
  }

  /** `op` with its subject mapped, in `scratch`; `op` itself when no mapping applies. */
  mapOp(op: MsgOp, scratch: RewrittenOp): MsgOp {
    const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
    const mapped = this.select(subject);
    return mapped === null ? op : scratch.set(op, enc.encode(mapped), null);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Destinations of one raw config value: a string, `{dest, weight, cluster}` or a list of those. */
export function mapDestsOf(value: unknown): MapDest[] {
  if (typeof value === "string") return [{ subject: value, weight: 100, cluster: "" }];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((d) => d !== null && typeof d === "object").map((d) => {
    let subject = "";
    let weight = 0;
    let cluster = "";
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
      const key = k.toLowerCase();
      if (key === "dest" || key === "destination") subject = String(v);
      else if (key === "cluster") cluster = String(v);
      else if (key === "weight") weight = Number(String(v).replace(/%$/, ""));
    }
    return { subject, weight, cluster };
  });
}

/**
 * Compiles a raw `mappings {}` section (already checked by the config normalizer); entries
 * that fail are skipped. Null when there are none, so publishing checks one field.
 */
export function compileMappings(
  raw: Record<string, unknown> | undefined,
  cluster = "",
  random: () => number = Math.random,
): AccountMappings | null {
  if (!raw) return null;
  const list: Mapping[] = [];
  for (const [src, value] of Object.entries(raw)) {
    try {
      list.push(new Mapping(src, mapDestsOf(value)));
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
    }
  }
  return list.length > 0 ? new AccountMappings(list, cluster, random) : null;
}

/** nats-server's error text for adding `src -> dests` to an account, or null when valid. */
export function mappingError(src: string, dests: readonly MapDest[]): string | null {
  try {
    new Mapping(src, dests);
    return null;
  } catch (err) {
    if (err instanceof MappingError) return err.message;
    throw err;
  }
}

/**
 * @module
 * Decodes a CONNECT JSON object the way nats-server's `json.Unmarshal` into `ClientOpts` does:
 * keys match case-insensitively, the last duplicate wins, `null` leaves a field unchanged, and
 * a value of the wrong type (a string for a bool, a fraction for `protocol`) is an error, which
 * closes the connection as a protocol violation. Unknown keys are ignored. Pure.
 */

/** The CONNECT fields a client connection uses. */
export interface ConnectFields {
  verbose?: boolean;
  pedantic?: boolean;
  tls_required?: boolean;
  echo?: boolean;
  headers?: boolean;
  no_responders?: boolean;
  new_account?: boolean;
  protocol?: number;
  nkey?: string;
  jwt?: string;
  sig?: string;
  auth_token?: string;
  user?: string;
  pass?: string;
  name?: string;
  lang?: string;
  version?: string;
  account?: string;
}

type FieldType = "bool" | "string" | "int";

const FIELDS: Record<string, FieldType> = {
  verbose: "bool",
  pedantic: "bool",
  tls_required: "bool",
  echo: "bool",
  headers: "bool",
  no_responders: "bool",
  new_account: "bool",
  protocol: "int",
  nkey: "string",
  jwt: "string",
  sig: "string",
  auth_token: "string",
  user: "string",
  pass: "string",
  name: "string",
  lang: "string",
  version: "string",
  account: "string",
};

const INT_MAX = 2 ** 63;

/** Go's encoding/json refuses nesting deeper than this. */
const MAX_DEPTH = 10_000;

/** Deepest nesting of arrays/objects in JSON text (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** End of the JSON value starting at `i` (valid JSON assumed). */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === 0x22) i = skipString(text, i) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i + 1;
    }
    return i;
  }
  while (i < text.length && !",}] \t\r\n".includes(text[i])) i++;
  return i;
}

function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && " \t\r\n".includes(text[i])) i++;
  return i;
}

/** Whether the raw JSON token fits a field of this type (Go json.Unmarshal into ClientOpts). */
function tokenFits(type: FieldType, token: string): boolean {
  if (token === "null") return true;
  if (type === "bool") return token === "true" || token === "false";
  if (type === "string") return token.startsWith('"');
  return /^-?\d+$/.test(token);
}

/**
 * Go checks every occurrence of a key while decoding, so a duplicated key with a wrong-typed
 * earlier value fails even if the last one is fine. Walks the top-level members of `text`
 * (valid JSON object text) and checks each known field's raw value.
 */
function everyOccurrenceFits(text: string): boolean {
  let i = skipSpace(text, 0);
  if (text[i] !== "{") return true;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== "}") {
    const keyEnd = skipString(text, i);
    const key = (JSON.parse(text.slice(i, keyEnd)) as string).toLowerCase();
    i = skipSpace(text, keyEnd);
    i = skipSpace(text, i + 1); // ':'
    const end = skipValue(text, i);
    const type = FIELDS[key];
    if (type !== undefined && !tokenFits(type, text.slice(i, end))) return false;
    i = skipSpace(text, end);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return true;
}

/** Decodes CONNECT JSON text; null when nats-server would reject it. */
export function decodeConnect(text: string): ConnectFields | null {
  if (text.length > MAX_DEPTH && nestingDepth(text) > MAX_DEPTH) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) return null;
  if (!everyOccurrenceFits(text)) return null;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const name = key.toLowerCase();
    const type = FIELDS[name];
    if (type === undefined || value === null) continue;
    switch (type) {
      case "bool":
        if (typeof value !== "boolean") return null;
        break;
      case "string":
        if (typeof value !== "string") return null;
        break;
      case "int":
        if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) >= INT_MAX) {
          return null;
        }
        break;
    }
    out[name] = value;
  }
  return out as ConnectFields;
}

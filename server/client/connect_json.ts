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

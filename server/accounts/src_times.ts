/**
 * @module
 * User JWT connection restrictions (nats-server server/jwt.go `validateSrc`, `validateTimes`;
 * behaviour only): `src` CIDR lists matched against the client IP, and `times` wall-clock
 * windows (`HH:MM:SS`, in `times_location` or local time) that also bound how long the
 * connection may stay. Pure: the current time arrives as an argument. Runs where connections
 * are owned.
 */
import type { JwtTimeRange } from "./jwt_claims.ts";

/** A parsed CIDR block: address bytes (4 or 16) and prefix length. */
interface Cidr {
  bytes: Uint8Array;
  bits: number;
}

function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (!/^[0-9]{1,3}$/.test(part) || (part.length > 1 && part[0] === "0")) return null;
    const n = Number(part);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIPv6(text: string): Uint8Array | null {
  let head = text;
  let tail4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.slice(lastColon + 1).includes(".")) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (tail4 === null) return null;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string) => part === "" ? [] : part.split(":");
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(all[i])) return null;
    const n = parseInt(all[i], 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/** Parses an IP address (Go `net.ParseIP`): IPv4 as 4 bytes, IPv6 as 16. */
export function parseIp(text: string): Uint8Array | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return bare.includes(":") ? parseIPv6(bare) : parseIPv4(bare);
}

/** Parses `addr/bits` (Go `net.ParseCIDR`). */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const bytes = text.includes(":")
    ? parseIPv6(text.slice(0, slash))
    : parseIPv4(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (bytes === null || !/^[0-9]{1,3}$/.test(bitsText)) return null;
  const bits = Number(bitsText);
  if (bits > bytes.length * 8) return null;
  return { bytes, bits };
}

function isV4Mapped(bytes: Uint8Array): boolean {
  if (bytes.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Go `IPNet.Contains`: IPv4-mapped addresses compare in their IPv4 form. */
function cidrContains(cidr: Cidr, ip: Uint8Array): boolean {
  const addr = isV4Mapped(ip) ? ip.subarray(12) : ip;
  let net = cidr.bytes;
  let bits = cidr.bits;
  if (isV4Mapped(net) && bits >= 96) {
    net = net.subarray(12);
    bits -= 96;
  }
  if (net.length !== addr.length) return false;
  for (let i = 0; i < net.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((net[i] & mask) !== (addr[i] & mask)) return false;
  }
  return true;
}

/**
 * nats-server `validateSrc`: true when `src` is empty or one of its CIDRs contains `host`.
 *
 * @example
 * ```ts
 * import { validateSrc } from "./src_times.ts";
 * validateSrc(["10.0.0.0/8"], "10.1.2.3"); // true
 * validateSrc(["10.0.0.0/8"], "127.0.0.1"); // false
 * ```
 */
export function validateSrc(src: string[] | null, host: string): boolean {
  if (src === null || src.length === 0) return true;
  if (host === "") return false;
  const ip = parseIp(host);
  if (ip === null) return false;
  for (const text of src) {
    const cidr = parseCidr(text);
    if (cidr === null) return false;
    if (cidrContains(cidr, ip)) return true;
  }
  return false;
}

/** Seconds since midnight for `HH:MM:SS` (Go layout `15:04:05`), or null. */
export function parseClock(text: string): number | null {
  const m = /^([0-9]{1,2}):([0-9]{2}):([0-9]{2})$/.exec(text);
  if (!m) return null;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || s > 59) return null;
  return h * 3600 + min * 60 + s;
}

/** True when `name` is a time zone Go's `time.LoadLocation` would load ("" = local). */
export function isValidLocation(name: string): boolean {
  if (name === "" || name === "UTC" || name === "Local") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds since local midnight of `nowMs` in zone `location` ("" / "Local" = local). */
function msOfDay(nowMs: number, location: string): number {
  if (location === "" || location === "Local") {
    const d = new Date(nowMs);
    return ((d.getHours() * 60 + d.getMinutes()) * 60 + d.getSeconds()) * 1000 +
      d.getMilliseconds();
  }
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: location,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(nowMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return ((get("hour") * 60 + get("minute")) * 60 + get("second")) * 1000 + (nowMs % 1000);
}

/**
 * nats-server `validateTimes`: whether a connection is allowed now, and for how many ms
 * (0 = no `times` limit). A range whose start is after its end ends on the next day; as in
 * nats-server, its start is still today's.
 *
 * @example
 * ```ts
 * import { validateTimes } from "./src_times.ts";
 * validateTimes(null, "", Date.now()); // { allowed: true, validForMs: 0 }
 * ```
 */
export function validateTimes(
  times: JwtTimeRange[] | null,
  location: string,
  nowMs: number,
): { allowed: boolean; validForMs: number } {
  if (times === null || times.length === 0) return { allowed: true, validForMs: 0 };
  if (!isValidLocation(location)) return { allowed: false, validForMs: 0 };
  const now = msOfDay(nowMs, location);
  for (const range of times) {
    const start = parseClock(range.start);
    const end = parseClock(range.end);
    if (start === null || end === null) return { allowed: false, validForMs: 0 };
    const endMs = (end + (start > end ? 86_400 : 0)) * 1000;
    if (start * 1000 < now && endMs > now) return { allowed: true, validForMs: endMs - now };
  }
  return { allowed: false, validForMs: 0 };
}

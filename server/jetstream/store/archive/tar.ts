/**
 * @module
 * POSIX ustar archives, the container of a stream snapshot (nats-server 2.9.10 writes one with
 * Go's `archive/tar` and reads it back on restore): a 512-byte header per file (name split into
 * `prefix`/`name`, octal size and mtime, checksum), the data padded to 512 bytes, and two zero
 * blocks at the end. The reader verifies each header's checksum and reports a bad or truncated
 * archive with Go's texts (`archive/tar: invalid tar header`, `unexpected EOF`); it returns
 * every entry with its type flag and leaves judging names and types to the caller.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { ArchiveError } from "./snappy_block.ts";

/** Go archive/tar ErrHeader. */
export const INVALID_HEADER = "archive/tar: invalid tar header";
/** Go io.ErrUnexpectedEOF. */
export const UNEXPECTED_EOF = "unexpected EOF";
/** ustar type flags of a regular file ('0', and the old NUL). */
export const REGULAR_TYPES: readonly string[] = ["0", "\0"];

/** One archived file. */
export interface TarEntry {
  name: string;
  data: Uint8Array;
  /** Modification time, seconds since the epoch (0 when absent). */
  mtime?: number;
  /** The type flag character as read ('0' for files written here). */
  type?: string;
}

const BLOCK = 512;
const enc = new TextEncoder();
const dec = new TextDecoder();

function putString(h: Uint8Array, at: number, size: number, text: string): void {
  const bytes = enc.encode(text);
  if (bytes.length > size) throw new Error(`tar field too long: ${text}`);
  h.set(bytes, at);
}

function putOctal(h: Uint8Array, at: number, size: number, value: number): void {
  putString(h, at, size, value.toString(8).padStart(size - 1, "0") + "\0");
}

/** Splits `name` into ustar `prefix` and `name` fields (at most 155 and 100 bytes). */
function splitName(name: string): [string, string] {
  if (enc.encode(name).length <= 100) return ["", name];
  for (let i = name.indexOf("/"); i >= 0; i = name.indexOf("/", i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(rest).length <= 100 && rest !== "") {
      return [prefix, rest];
    }
  }
  throw new Error(`tar name too long: ${name}`);
}

function checksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum;
}

function headerOf(e: TarEntry): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const [prefix, name] = splitName(e.name);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, 0o600);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, e.data.length);
  putOctal(h, 136, 12, Math.max(0, Math.floor(e.mtime ?? 0)));
  h[156] = 0x30; // '0' regular file
  putString(h, 257, 6, "ustar\0");
  putString(h, 263, 2, "00");
  putString(h, 265, 32, "nats");
  putString(h, 297, 32, "nats");
  putString(h, 345, 155, prefix);
  putOctal(h, 148, 7, checksum(h));
  h[155] = 0x20;
  return h;
}

/**
 * An ustar archive of `entries` (regular files), ended by two zero blocks.
 *
 * @example
 * ```ts
 * import { tarPack, tarUnpack } from "./tar.ts";
 * const tar = tarPack([{ name: "a/b.txt", data: new TextEncoder().encode("hi") }]);
 * const [e] = tarUnpack(tar);
 * if (e.name !== "a/b.txt" || new TextDecoder().decode(e.data) !== "hi") throw new Error();
 * ```
 */
export function tarPack(entries: readonly TarEntry[]): Uint8Array {
  let size = 2 * BLOCK;
  for (const e of entries) size += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size);
  let at = 0;
  for (const e of entries) {
    out.set(headerOf(e), at);
    out.set(e.data, at + BLOCK);
    at += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out;
}

function cString(h: Uint8Array, at: number, size: number): string {
  const field = h.subarray(at, at + size);
  const end = field.indexOf(0);
  return dec.decode(end < 0 ? field : field.subarray(0, end));
}

function octal(h: Uint8Array, at: number, size: number): number {
  const text = cString(h, at, size).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveError(INVALID_HEADER);
  return parseInt(text, 8);
}

function isZero(h: Uint8Array): boolean {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return false;
  return true;
}

/** Whether `h`'s stored checksum matches (unsigned or signed byte sums, as Go accepts). */
function checksumOk(h: Uint8Array): boolean {
  const stored = octal(h, 148, 8);
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    signed += i >= 148 && i < 156 ? 0x20 : (h[i] << 24) >> 24;
  }
  return stored === checksum(h) || stored === signed;
}

/**
 * Every entry of an archive, in order; throws {@link ArchiveError} with Go's text for a bad
 * header or a truncated archive. An archive may end at a block boundary without its zero blocks.
 */
export function tarUnpack(tar: Uint8Array): TarEntry[] {
  const out: TarEntry[] = [];
  for (let at = 0; at < tar.length;) {
    if (at + BLOCK > tar.length) throw new ArchiveError(UNEXPECTED_EOF);
    const h = tar.subarray(at, at + BLOCK);
    if (isZero(h)) {
      // End of archive (Go also takes a single zero block followed by EOF).
      const next = tar.subarray(at + BLOCK, at + 2 * BLOCK);
      if (next.length === 0 || isZero(next)) break;
      throw new ArchiveError(INVALID_HEADER);
    }
    if (!checksumOk(h)) throw new ArchiveError(INVALID_HEADER);
    let name = cString(h, 0, 100);
    const ustar = cString(h, 257, 6) === "ustar";
    const prefix = ustar ? cString(h, 345, 155) : "";
    if (prefix !== "") name = `${prefix}/${name}`;
    const size = octal(h, 124, 12);
    const start = at + BLOCK;
    if (start + size > tar.length) throw new ArchiveError(UNEXPECTED_EOF);
    out.push({
      name,
      data: tar.slice(start, start + size),
      mtime: octal(h, 136, 12),
      type: String.fromCharCode(h[156]),
    });
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

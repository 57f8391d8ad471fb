/**
 * @module
 * The cursor and vocabulary of the `.conf` lexer: item types, character classes, and the
 * position bookkeeping that yields nats-server's line/column numbers (columns are bytes from
 * the last newline, so line 1 is 0-based and later lines 1-based). Mirrors nats-server 2.9.10
 * `conf/lex.go` (behaviour only). Pure; runs in the main isolate.
 */

import { utf8Decode, utf8Encode, utf8Length } from "./utf8.ts";

/** Item types produced by the lexer (nats-server `itemType`). */
export const ItemType = {
  Error: "error",
  EOF: "eof",
  Key: "key",
  Text: "text",
  String: "string",
  Bool: "bool",
  Integer: "integer",
  Float: "float",
  Datetime: "datetime",
  ArrayStart: "arrayStart",
  ArrayEnd: "arrayEnd",
  MapStart: "mapStart",
  MapEnd: "mapEnd",
  CommentStart: "commentStart",
  Variable: "variable",
  Include: "include",
} as const;

/** One of {@linkcode ItemType}. */
export type ItemType = typeof ItemType[keyof typeof ItemType];

/** A lexed item; `pos` is the column as nats-server computes it (bytes from the last newline). */
export interface LexItem {
  type: ItemType;
  value: string;
  line: number;
  pos: number;
}

/** A lexer state: consumes input through the cursor and returns the next state. */
export type StateFn = (lx: LexCursor) => StateFn | null;

/** NUL doubles as end of input, as in nats-server (its `eof` rune is 0). */
export const EOF = 0;
export const C = (char: string): number => char.charCodeAt(0);
export const NL = C("\n");
export const CR = C("\r");
export const TAB = C("\t");
export const SPACE = C(" ");
export const MAP_START = C("{");
export const MAP_END = C("}");
export const ARRAY_START = C("[");
export const ARRAY_END = C("]");
export const EQUAL = C("=");
export const COLON = C(":");
export const COMMA = C(",");
export const SEMICOLON = C(";");
export const HASH = C("#");
export const SLASH = C("/");
export const DQUOTE = C('"');
export const SQUOTE = C("'");
export const BLOCK_START = C("(");
export const BLOCK_END = C(")");
export const BACKSLASH = C("\\");
export const MINUS = C("-");
export const DOT = C(".");
export const DOLLAR = C("$");

const SPACE_RUNES = new Set([0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
const DIGIT_RE = /^\p{Nd}$/u;
export const NUMBER_SUFFIX = new Set("kKmMgGtTpPeE".split("").map(C));
const BOOL_WORDS = new Set(["true", "false", "on", "off", "yes", "no"]);
export const DATE_LAYOUT = "00-00T00:00:00Z";

/** Go `unicode.IsSpace`. */
export function isSpace(r: number): boolean {
  return (r >= 0x09 && r <= 0x0d) || r === SPACE || SPACE_RUNES.has(r) ||
    (r >= 0x2000 && r <= 0x200a);
}

/** Go `unicode.IsDigit`. */
export function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  return DIGIT_RE.test(String.fromCodePoint(r));
}

export const isWhitespace = (r: number): boolean => r === TAB || r === SPACE;
export const isNL = (r: number): boolean => r === NL || r === CR;
export const isKeySeparator = (r: number): boolean => r === EQUAL || r === COLON;
export const showRune = (r: number): string => r === NL ? "\\n" : String.fromCodePoint(r);

/** Everything that ends a number (shared by the number states). */
export function endsNumber(r: number): boolean {
  return isNL(r) || r === EOF || r === MAP_END || r === SEMICOLON || r === COMMA ||
    isWhitespace(r) || isDigit(r);
}

/** Input, position and output of one lexing run; the states drive it. */
export class LexCursor {
  #input: string;
  /** Byte offset of every string index, so columns match nats-server's byte columns. */
  #byteAt: Uint32Array;
  #start = 0;
  #pos = 0;
  #width = 0;
  #line = 1;
  #items: LexItem[] = [];
  #stack: StateFn[] = [];
  /** Escaped pieces of the current string; numbers are raw bytes from `\xHH`. */
  #parts: (string | number)[] = [];
  /** Index of the newline that started the current line (0 on line 1). */
  #lineStart = 0;
  /** `#lineStart` when the current item started. */
  #itemLineStart = 0;
  /** The state escapes return to (quoted or unquoted string). */
  #stringState: StateFn;

  constructor(input: string, stringState: StateFn) {
    this.#input = input;
    this.#stringState = stringState;
    this.#byteAt = new Uint32Array(input.length + 1);
    let bytes = 0;
    for (let i = 0; i < input.length; i++) {
      this.#byteAt[i] = bytes;
      const code = input.charCodeAt(i);
      if (code < 0x80) bytes += 1;
      else if (code < 0x800) bytes += 2;
      else if (code >= 0xd800 && code <= 0xdfff) bytes += 2; // half of a 4-byte sequence
      else bytes += 3;
    }
    this.#byteAt[input.length] = bytes;
  }

  /** The state escapes return to (quoted or unquoted string). */
  get stringState(): StateFn {
    return this.#stringState;
  }

  set stringState(state: StateFn) {
    this.#stringState = state;
  }

  /** Takes the oldest emitted item, if any. */
  takeItem(): LexItem | undefined {
    return this.#items.shift();
  }

  /** The current line (for the end-of-input item). */
  get line(): number {
    return this.#line;
  }

  /** True when input was consumed since the last emit/ignore. */
  consumed(): boolean {
    return this.#pos > this.#start;
  }

  /** The text consumed since the last emit/ignore. */
  tokenText(): string {
    return this.#input.slice(this.#start, this.#pos);
  }

  /** Byte length of {@linkcode LexCursor.tokenText}. */
  tokenBytes(): number {
    return this.#bytes(this.#start, this.#pos);
  }

  /** The last `count` consumed characters. */
  recentText(count: number): string {
    return this.#input.slice(this.#pos - count, this.#pos);
  }

  /** True when the current string has escaped pieces. */
  hasParts(): boolean {
    return this.#parts.length > 0;
  }

  /** Is the pending unquoted text a boolean word? */
  isBool(): boolean {
    return BOOL_WORDS.has(this.tokenText().toLowerCase());
  }

  /** Is the pending unquoted text a `$variable`? Drops the `$` when it is. */
  isVariable(): boolean {
    if (this.#start >= this.#input.length) return false;
    if (this.#input.charCodeAt(this.#start) !== DOLLAR) return false;
    this.#start += 1;
    return true;
  }

  next(): number {
    if (this.#pos >= this.#input.length) {
      this.#width = 0;
      return EOF;
    }
    if (this.#input.charCodeAt(this.#pos) === NL) {
      this.#line++;
      this.#lineStart = this.#pos;
    }
    const r = this.#input.codePointAt(this.#pos)!;
    this.#width = r > 0xffff ? 2 : 1;
    this.#pos += this.#width;
    return r;
  }

  backup(): void {
    this.#pos -= this.#width;
    if (this.#pos < this.#input.length && this.#input.charCodeAt(this.#pos) === NL) {
      this.#line--;
    }
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  ignore(): void {
    this.#start = this.#pos;
    this.#itemLineStart = this.#lineStart;
  }

  /** A state that drops the pending input, then continues with `next`. */
  skip(next: StateFn): StateFn {
    return (lx) => {
      lx.ignore();
      return next;
    };
  }

  push(state: StateFn): void {
    this.#stack.push(state);
  }

  pop(): StateFn | null {
    const state = this.#stack.pop();
    return state ?? this.error("BUG in lexer: no states to pop.");
  }

  #bytes(from: number, to: number): number {
    return this.#byteAt[to] - this.#byteAt[from];
  }

  #joinParts(tail: string): { text: string; bytes: number } {
    if (this.#parts.length === 0) return { text: tail, bytes: utf8Length(tail) };
    if (this.#parts.every((part) => typeof part === "string")) {
      const text = this.#parts.join("") + tail;
      return { text, bytes: utf8Length(text) };
    }
    const bytes: number[] = [];
    for (const part of [...this.#parts, tail]) {
      if (typeof part === "number") bytes.push(part);
      else bytes.push(...utf8Encode(part));
    }
    return { text: utf8Decode(bytes), bytes: bytes.length };
  }

  #emitValue(type: ItemType, text: string, bytes: number): void {
    const pos = this.#bytes(this.#itemLineStart, this.#pos) - bytes;
    this.#items.push({ type, value: text, line: this.#line, pos });
    this.#start = this.#pos;
    this.#itemLineStart = this.#lineStart;
  }

  emit(type: ItemType): void {
    const { text, bytes } = this.#joinParts(this.#input.slice(this.#start, this.#pos));
    this.#emitValue(type, text, bytes);
  }

  emitString(): void {
    const { text, bytes } = this.#joinParts(this.#input.slice(this.#start, this.#pos));
    this.#parts = [];
    this.#emitValue(ItemType.String, text, bytes);
  }

  addCurrentStringPart(offset: number): void {
    this.#parts.push(this.#input.slice(this.#start, this.#pos - offset));
    this.#start = this.#pos;
  }

  addStringPart(part: string | number): StateFn {
    this.#parts.push(part);
    this.#start = this.#pos;
    return this.#stringState;
  }

  error(message: string): null {
    const pos = this.#bytes(this.#lineStart, this.#pos);
    this.#items.push({ type: ItemType.Error, value: message, line: this.#line, pos });
    return null;
  }

  /** An unterminated quoted key or string at the end: error unless nothing was consumed. */
  eofInside(): null {
    if (this.#pos > this.#start) return this.error("Unexpected EOF.");
    this.emit(ItemType.EOF);
    return null;
  }

  /** `//` starts a comment; returns false (after stepping back) when it is a lone `/`. */
  slashComment(resume: StateFn): boolean {
    if (this.next() === SLASH) {
      this.push(resume);
      return true;
    }
    this.backup();
    return false;
  }
}

/**
 * @module
 * Lexer for the nats-server `.conf` syntax: a state machine that turns text into items
 * (keys, values, map/array brackets, variables, includes), keeping the line and the
 * column nats-server reports. This file holds the structural states (top level, keys,
 * include, maps, arrays); value states live in `conf_lex_values.ts`. Behaviour mirrors
 * nats-server 2.9.10 `conf/lex.go`, including its error texts. Pure; runs in the main isolate.
 */

import {
  ARRAY_END,
  ARRAY_START,
  BACKSLASH,
  BLOCK_START,
  COMMA,
  DOT,
  DQUOTE,
  EOF,
  HASH,
  isDigit,
  isKeySeparator,
  isNL,
  isSpace,
  isWhitespace,
  ItemType,
  LexCursor,
  type LexItem,
  MAP_END,
  MAP_START,
  MINUS,
  SEMICOLON,
  showRune,
  SLASH,
  SQUOTE,
  type StateFn,
} from "./conf_lex_cursor.ts";
import {
  lexBlock,
  lexCommentStart,
  lexDubQuotedString,
  lexNegNumberStart,
  lexNumberOrDateOrStringOrIPStart,
  lexQuotedString,
  lexString,
} from "./conf_lex_values.ts";

export { ItemType, type LexItem } from "./conf_lex_cursor.ts";

/**
 * The `.conf` lexer. Call {@linkcode ConfLexer.nextItem} until it returns an `eof` or
 * `error` item.
 *
 * @example
 * ```ts
 * import { ConfLexer } from "./conf_lexer.ts";
 * const lexer = new ConfLexer("port: 4222");
 * lexer.nextItem(); // { type: "key", value: "port", line: 1, pos: 0 }
 * lexer.nextItem(); // { type: "integer", value: "4222", line: 1, pos: 6 }
 * ```
 */
export class ConfLexer {
  #cursor: LexCursor;
  #state: StateFn | null = lexTop;

  constructor(input: string) {
    this.#cursor = new LexCursor(input, lexString);
  }

  /** Returns the next item; after the end it keeps returning `eof`. */
  nextItem(): LexItem {
    for (;;) {
      const item = this.#cursor.takeItem();
      if (item) return item;
      if (!this.#state) return { type: ItemType.EOF, value: "", line: this.#cursor.line, pos: 0 };
      this.#state = this.#state(this.#cursor);
    }
  }
}

// ---- top level ----------------------------------------------------------------------

function lexTop(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lx.skip(lexTop);
  if (r === MAP_START) return lx.skip(lexTop);
  if (r === HASH) {
    lx.push(lexTop);
    return lexCommentStart;
  }
  if (r === SLASH && lx.slashComment(lexTop)) return lexCommentStart;
  if (r === SLASH || r === EOF) {
    if (lx.consumed()) return lx.error("Unexpected EOF.");
    lx.emit(ItemType.EOF);
    return null;
  }
  lx.backup();
  lx.push(lexTopValueEnd);
  return lexKeyStart;
}

function lexTopValueEnd(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === HASH) {
    lx.push(lexTop);
    return lexCommentStart;
  }
  if (r === SLASH && lx.slashComment(lexTop)) return lexCommentStart;
  if (r === SLASH || isWhitespace(r)) return lexTopValueEnd;
  if (isNL(r) || r === EOF || r === SEMICOLON || r === COMMA || r === MAP_END) {
    lx.ignore();
    return lexTop;
  }
  return lx.error(
    "Expected a top-level value to end with a new line, comment or EOF, " +
      `but got '${showRune(r)}' instead.`,
  );
}

// ---- keys ---------------------------------------------------------------------------

function lexKeyStart(lx: LexCursor): StateFn | null {
  const r = lx.peek();
  if (isKeySeparator(r)) return lx.error(`Unexpected key separator '${showRune(r)}'`);
  if (isSpace(r)) {
    lx.next();
    return lx.skip(lexKeyStart);
  }
  if (r === DQUOTE || r === SQUOTE) {
    lx.next();
    return lx.skip(r === DQUOTE ? lexDubQuotedKey : lexQuotedKey);
  }
  lx.ignore();
  lx.next();
  return lexKey;
}

function quotedKey(lx: LexCursor, quote: number, self: StateFn): StateFn | null {
  const r = lx.peek();
  if (r === quote) {
    lx.emit(ItemType.Key);
    lx.next();
    return lx.skip(lexKeyEnd);
  }
  if (r === EOF) return lx.eofInside();
  lx.next();
  return self;
}

function lexDubQuotedKey(lx: LexCursor): StateFn | null {
  return quotedKey(lx, DQUOTE, lexDubQuotedKey);
}

function lexQuotedKey(lx: LexCursor): StateFn | null {
  return quotedKey(lx, SQUOTE, lexQuotedKey);
}

/** A key followed by a space may be the `include` keyword. */
function keyCheckKeyword(lx: LexCursor, fallThrough: StateFn, push: StateFn | null): StateFn {
  const key = lx.tokenText().toLowerCase();
  if (key === "include") {
    lx.ignore();
    if (push) lx.push(push);
    return lexIncludeStart;
  }
  lx.emit(ItemType.Key);
  return fallThrough;
}

function lexKey(lx: LexCursor): StateFn | null {
  const r = lx.peek();
  if (isSpace(r)) return keyCheckKeyword(lx, lexKeyEnd, null);
  if (isKeySeparator(r) || r === EOF) {
    lx.emit(ItemType.Key);
    return lexKeyEnd;
  }
  lx.next();
  return lexKey;
}

function lexKeyEnd(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lx.skip(lexKeyEnd);
  if (isKeySeparator(r)) return lx.skip(lexValue);
  if (r === EOF) {
    lx.emit(ItemType.EOF);
    return null;
  }
  lx.backup();
  return lexValue;
}

// ---- include ------------------------------------------------------------------------

function lexIncludeStart(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isWhitespace(r)) return lx.skip(lexIncludeStart);
  lx.backup();
  return lexInclude;
}

function lexInclude(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === SQUOTE || r === DQUOTE) {
    lx.ignore();
    return r === SQUOTE ? lexIncludeQuotedString : lexIncludeDubQuotedString;
  }
  const found = r === ARRAY_START
    ? "start of an array"
    : r === MAP_START
    ? "start of a map"
    : r === BLOCK_START
    ? "start of a block"
    : isDigit(r) || r === MINUS
    ? "start of a number"
    : r === BACKSLASH
    ? "escape sequence"
    : isNL(r)
    ? "new line"
    : "";
  if (found) return lx.error(`Expected include value but found ${found}`);
  lx.backup();
  return lexIncludeString;
}

function quotedInclude(lx: LexCursor, quote: number, self: StateFn, what: string): StateFn | null {
  const r = lx.next();
  if (r === quote) {
    lx.backup();
    lx.emit(ItemType.Include);
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  if (r === EOF) return lx.error(`Unexpected EOF in ${what} include`);
  return self;
}

function lexIncludeQuotedString(lx: LexCursor): StateFn | null {
  return quotedInclude(lx, SQUOTE, lexIncludeQuotedString, "quoted");
}

function lexIncludeDubQuotedString(lx: LexCursor): StateFn | null {
  return quotedInclude(lx, DQUOTE, lexIncludeDubQuotedString, "double quoted");
}

function lexIncludeString(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isNL(r) || r === EOF || r === SEMICOLON || r === MAP_END || isWhitespace(r)) {
    lx.backup();
    lx.emit(ItemType.Include);
    return lx.pop();
  }
  if (r === SQUOTE) {
    lx.backup();
    lx.emit(ItemType.Include);
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  return lexIncludeString;
}

// ---- values -------------------------------------------------------------------------

function lexValue(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isWhitespace(r)) return lx.skip(lexValue);
  switch (r) {
    case ARRAY_START:
      lx.ignore();
      lx.emit(ItemType.ArrayStart);
      return lexArrayValue;
    case MAP_START:
      lx.ignore();
      lx.emit(ItemType.MapStart);
      return lexMapKeyStart;
    case SQUOTE:
      lx.ignore();
      return lexQuotedString;
    case DQUOTE:
      lx.ignore();
      lx.stringState = lexDubQuotedString;
      return lexDubQuotedString;
    case MINUS:
      return lexNegNumberStart;
    case BLOCK_START:
      lx.ignore();
      return lexBlock;
    case DOT:
      return lx.error("Floats must start with a digit");
  }
  if (isDigit(r)) {
    lx.backup();
    return lexNumberOrDateOrStringOrIPStart;
  }
  if (isNL(r)) return lx.error("Expected value but found new line");
  lx.backup();
  lx.stringState = lexString;
  return lexString;
}

function lexArrayValue(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lx.skip(lexArrayValue);
  if (r === HASH) {
    lx.push(lexArrayValue);
    return lexCommentStart;
  }
  if (r === SLASH && lx.slashComment(lexArrayValue)) return lexCommentStart;
  if (r === SLASH || r === COMMA) {
    return lx.error("Unexpected array value terminator ','.");
  }
  if (r === ARRAY_END) return lexArrayEnd;
  lx.backup();
  lx.push(lexArrayValueEnd);
  return lexValue;
}

function lexArrayValueEnd(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isWhitespace(r)) return lx.skip(lexArrayValueEnd);
  if (r === HASH) {
    lx.push(lexArrayValueEnd);
    return lexCommentStart;
  }
  if (r === SLASH && lx.slashComment(lexArrayValueEnd)) return lexCommentStart;
  if (r === SLASH || r === COMMA || isNL(r)) return lx.skip(lexArrayValue);
  if (r === ARRAY_END) return lexArrayEnd;
  return lx.error(
    'Expected an array value terminator "," or an array terminator "]", ' +
      `but got '${showRune(r)}' instead.`,
  );
}

function lexArrayEnd(lx: LexCursor): StateFn | null {
  lx.ignore();
  lx.emit(ItemType.ArrayEnd);
  return lx.pop();
}

// ---- maps ---------------------------------------------------------------------------

function lexMapKeyStart(lx: LexCursor): StateFn | null {
  const r = lx.peek();
  if (isKeySeparator(r)) return lx.error(`Unexpected key separator '${showRune(r)}'.`);
  if (r === ARRAY_END) {
    return lx.error(`Unexpected array end '${showRune(r)}' processing map.`);
  }
  if (isSpace(r)) {
    lx.next();
    return lx.skip(lexMapKeyStart);
  }
  if (r === MAP_END) {
    lx.next();
    return lx.skip(lexMapEnd);
  }
  if (r === HASH) {
    lx.next();
    lx.push(lexMapKeyStart);
    return lexCommentStart;
  }
  if (r === SLASH) {
    lx.next();
    if (lx.slashComment(lexMapKeyStart)) return lexCommentStart;
  } else if (r === SQUOTE || r === DQUOTE) {
    lx.next();
    return lx.skip(r === SQUOTE ? lexMapQuotedKey : lexMapDubQuotedKey);
  } else if (r === EOF) {
    return lx.error("Unexpected EOF processing map.");
  }
  lx.ignore();
  lx.next();
  return lexMapKey;
}

function quotedMapKey(lx: LexCursor, quote: number, self: StateFn, what: string): StateFn | null {
  const r = lx.peek();
  if (r === EOF) return lx.error(`Unexpected EOF processing ${what} map key.`);
  if (r === quote) {
    lx.emit(ItemType.Key);
    lx.next();
    return lx.skip(lexMapKeyEnd);
  }
  lx.next();
  return self;
}

function lexMapQuotedKey(lx: LexCursor): StateFn | null {
  return quotedMapKey(lx, SQUOTE, lexMapQuotedKey, "quoted");
}

function lexMapDubQuotedKey(lx: LexCursor): StateFn | null {
  return quotedMapKey(lx, DQUOTE, lexMapDubQuotedKey, "double quoted");
}

function lexMapKey(lx: LexCursor): StateFn | null {
  const r = lx.peek();
  if (r === EOF) return lx.error("Unexpected EOF processing map key.");
  if (isSpace(r)) return keyCheckKeyword(lx, lexMapKeyEnd, lexMapValueEnd);
  if (isKeySeparator(r)) {
    lx.emit(ItemType.Key);
    return lexMapKeyEnd;
  }
  lx.next();
  return lexMapKey;
}

function lexMapKeyEnd(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lx.skip(lexMapKeyEnd);
  if (isKeySeparator(r)) return lx.skip(lexMapValue);
  lx.backup();
  return lexMapValue;
}

function lexMapValue(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lx.skip(lexMapValue);
  if (r === COMMA) return lx.error('Unexpected map value terminator ",".');
  if (r === MAP_END) return lx.skip(lexMapEnd);
  lx.backup();
  lx.push(lexMapValueEnd);
  return lexValue;
}

function lexMapValueEnd(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isWhitespace(r)) return lx.skip(lexMapValueEnd);
  if (r === HASH) {
    lx.push(lexMapValueEnd);
    return lexCommentStart;
  }
  if (r === SLASH && lx.slashComment(lexMapValueEnd)) return lexCommentStart;
  if (r === SLASH || r === SEMICOLON || r === COMMA || isNL(r)) {
    return lx.skip(lexMapKeyStart);
  }
  if (r === MAP_END) return lx.skip(lexMapEnd);
  return lx.error(
    'Expected a map value terminator "," or a map terminator "}", ' +
      `but got '${showRune(r)}' instead.`,
  );
}

function lexMapEnd(lx: LexCursor): StateFn | null {
  lx.ignore();
  lx.emit(ItemType.MapEnd);
  return lx.pop();
}

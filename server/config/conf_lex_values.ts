/**
 * @module
 * `.conf` lexer states for scalar values: quoted and unquoted strings with escapes, `( )`
 * blocks, integers with size suffixes, floats, ISO8601 dates, IP-like strings, comments.
 * Mirrors nats-server 2.9.10 `conf/lex.go` (behaviour and error texts). Pure; main isolate.
 */

import {
  ARRAY_END,
  BACKSLASH,
  BLOCK_END,
  C,
  COLON,
  COMMA,
  DATE_LAYOUT,
  DOT,
  DQUOTE,
  endsNumber,
  EOF,
  isDigit,
  isNL,
  isWhitespace,
  ItemType,
  type LexCursor,
  MAP_END,
  MINUS,
  NL,
  NUMBER_SUFFIX,
  SEMICOLON,
  showRune,
  SQUOTE,
  type StateFn,
} from "./conf_lex_cursor.ts";

// ---- strings ------------------------------------------------------------------------

export function lexQuotedString(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === SQUOTE) {
    lx.backup();
    lx.emit(ItemType.String);
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  if (r === EOF) return lx.eofInside();
  return lexQuotedString;
}

export function lexDubQuotedString(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === BACKSLASH) {
    lx.addCurrentStringPart(1);
    return lexStringEscape;
  }
  if (r === DQUOTE) {
    lx.backup();
    lx.emitString();
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  if (r === EOF) return lx.eofInside();
  return lexDubQuotedString;
}

export function lexString(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === BACKSLASH) {
    lx.addCurrentStringPart(1);
    return lexStringEscape;
  }
  if (
    isNL(r) || r === EOF || r === SEMICOLON || r === COMMA || r === ARRAY_END ||
    r === MAP_END || isWhitespace(r)
  ) {
    lx.backup();
    if (lx.hasParts()) lx.emitString();
    else if (lx.isBool()) lx.emit(ItemType.Bool);
    else if (lx.isVariable()) lx.emit(ItemType.Variable);
    else lx.emitString();
    return lx.pop();
  }
  if (r === SQUOTE) {
    lx.backup();
    lx.emitString();
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  return lexString;
}

/** `( ... )` raw block: ends at a `)` alone on its line. */
export function lexBlock(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === BLOCK_END) {
    lx.backup();
    lx.backup();
    if (lx.next() !== NL) {
      lx.next();
      return lexBlock;
    }
    lx.next();
    const after = lx.next();
    if (after === NL || after === EOF) {
      lx.backup();
      lx.backup();
      lx.emit(ItemType.String);
      lx.next();
      lx.ignore();
      return lx.pop();
    }
    lx.backup();
  } else if (r === EOF) {
    return lx.error("Unexpected EOF processing block.");
  }
  return lexBlock;
}

export function lexStringEscape(lx: LexCursor): StateFn | null {
  const r = lx.next();
  switch (r) {
    case C("x"):
      return lexStringBinary;
    case C("t"):
      return lx.addStringPart("\t");
    case C("n"):
      return lx.addStringPart("\n");
    case C("r"):
      return lx.addStringPart("\r");
    case DQUOTE:
      return lx.addStringPart('"');
    case BACKSLASH:
      return lx.addStringPart("\\");
  }
  return lx.error(
    `Invalid escape character '${showRune(r)}'. Only the following escape characters ` +
      'are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.',
  );
}

export function lexStringBinary(lx: LexCursor): StateFn | null {
  for (let i = 0; i < 2; i++) {
    if (isNL(lx.next())) {
      return lx.error("Expected two hexadecimal digits after '\\x', but hit end of line");
    }
  }
  const hex = lx.recentText(2);
  if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
    return lx.error(`Expected two hexadecimal digits after '\\x', but got '${hex}'`);
  }
  lx.addStringPart(parseInt(hex, 16));
  return lx.stringState;
}

// ---- numbers, dates, IPs ------------------------------------------------------------

function digitOrError(r: number): string {
  return r === DOT
    ? "Floats must start with a digit, not '.'."
    : `Expected a digit but got '${showRune(r)}'.`;
}

export function lexNumberOrDateOrStringOrIPStart(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (!isDigit(r)) return lx.error(digitOrError(r));
  return lexNumberOrDateOrStringOrIP;
}

export function lexNumberOrDateOrStringOrIP(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === MINUS) {
    if (lx.tokenBytes() !== 5) {
      return lx.error("All ISO8601 dates must be in full Zulu form.");
    }
    return lexDateAfterYear;
  }
  if (isDigit(r)) return lexNumberOrDateOrStringOrIP;
  if (r === DOT) return lexFloatStart;
  if (NUMBER_SUFFIX.has(r)) return lexConvenientNumber;
  if (!endsNumber(r)) {
    lx.stringState = lexString;
    return lexString;
  }
  lx.backup();
  lx.emit(ItemType.Integer);
  return lx.pop();
}

/** A size suffix: `1k`, `1Mb`, `2GiB`... */
export function lexConvenientNumber(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (r === C("b") || r === C("B") || r === C("i") || r === C("I")) {
    return lexConvenientNumber;
  }
  lx.backup();
  if (endsNumber(r)) {
    lx.emit(ItemType.Integer);
    return lx.pop();
  }
  lx.stringState = lexString;
  return lexString;
}

export function lexDateAfterYear(lx: LexCursor): StateFn | null {
  for (const expected of DATE_LAYOUT) {
    const r = lx.next();
    if (expected === "0") {
      if (!isDigit(r)) {
        return lx.error(
          `Expected digit in ISO8601 datetime, but found '${showRune(r)}' instead.`,
        );
      }
    } else if (C(expected) !== r) {
      return lx.error(
        `Expected '${expected}' in ISO8601 datetime, but found '${showRune(r)}' instead.`,
      );
    }
  }
  lx.emit(ItemType.Datetime);
  return lx.pop();
}

export function lexNegNumberStart(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (!isDigit(r)) return lx.error(digitOrError(r));
  return lexNegNumber;
}

export function lexNegNumber(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isDigit(r)) return lexNegNumber;
  if (r === DOT) return lexFloatStart;
  if (NUMBER_SUFFIX.has(r)) return lexConvenientNumber;
  lx.backup();
  lx.emit(ItemType.Integer);
  return lx.pop();
}

export function lexFloatStart(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (!isDigit(r)) {
    return lx.error(
      `Floats must have a digit after the '.', but got '${showRune(r)}' instead.`,
    );
  }
  return lexFloat;
}

export function lexFloat(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isDigit(r)) return lexFloat;
  if (r === DOT) return lexIPAddr;
  lx.backup();
  lx.emit(ItemType.Float);
  return lx.pop();
}

/** `127.0.0.1:4222` and the like: starts as a float, ends as a string. */
export function lexIPAddr(lx: LexCursor): StateFn | null {
  const r = lx.next();
  if (isDigit(r) || r === DOT || r === COLON || r === MINUS) return lexIPAddr;
  lx.backup();
  lx.emit(ItemType.String);
  return lx.pop();
}

// ---- comments -----------------------------------------------------------------------

export function lexCommentStart(lx: LexCursor): StateFn | null {
  lx.ignore();
  lx.emit(ItemType.CommentStart);
  return lexComment;
}

export function lexComment(lx: LexCursor): StateFn | null {
  const r = lx.peek();
  if (isNL(r) || r === EOF) {
    lx.emit(ItemType.Text);
    return lx.pop();
  }
  lx.next();
  return lexComment;
}

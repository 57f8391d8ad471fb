/**
 * @module
 * The config tree: the one representation that both the `.conf` parser and the YAML loader
 * produce and that the normalizer reads. Every node keeps the file, line and column that
 * nats-server would report for it. Pure; runs in the main isolate.
 */

/** Where a value came from, as nats-server reports it (`<file>:<line>:<col>`). */
export interface SourcePosition {
  file: string;
  line: number;
  /**
   * Column as nats-server reports it: on line 1 it is 0-based, on later lines 1-based
   * (nats-server `conf/lex.go` measures from the preceding newline byte). YAML uses 1-based.
   */
  col: number;
}

interface NodeBase extends SourcePosition {
  /** Set when a `$variable` reference used this node; such keys are not "unknown fields". */
  usedVariable?: boolean;
}

/** A string value (quoted, unquoted, block or include-free raw string). */
export interface ConfString extends NodeBase {
  kind: "string";
  value: string;
}

/** An integer (nats-server int64), size suffixes already applied. */
export interface ConfInteger extends NodeBase {
  kind: "integer";
  value: number;
}

/** A float (nats-server float64). */
export interface ConfFloat extends NodeBase {
  kind: "float";
  value: number;
}

/** A boolean (true/false/yes/no/on/off). */
export interface ConfBool extends NodeBase {
  kind: "bool";
  value: boolean;
}

/** An ISO8601 Zulu datetime (`2006-01-02T15:04:05Z`). */
export interface ConfDatetime extends NodeBase {
  kind: "datetime";
  value: Date;
}

/** A map; keys keep their original case and insertion order. */
export interface ConfMap extends NodeBase {
  kind: "map";
  value: Map<string, ConfNode>;
}

/** An array of values. */
export interface ConfArray extends NodeBase {
  kind: "array";
  value: ConfNode[];
}

/** Any config value. */
export type ConfNode =
  | ConfString
  | ConfInteger
  | ConfFloat
  | ConfBool
  | ConfDatetime
  | ConfMap
  | ConfArray;

/** The node kinds. */
export type ConfKind = ConfNode["kind"];

/** Go type names nats-server prints in `%T` and interface-conversion messages. */
const GO_TYPE_NAMES: Record<ConfKind, string> = {
  string: "string",
  integer: "int64",
  float: "float64",
  bool: "bool",
  datetime: "time.Time",
  map: "map[string]interface {}",
  array: "[]interface {}",
};

/**
 * The Go type name of a node's value, as nats-server prints it.
 *
 * @example
 * ```ts
 * import { goTypeName } from "./tree.ts";
 * goTypeName({ kind: "integer", value: 1, file: "a.conf", line: 1, col: 0 }); // "int64"
 * ```
 */
export function goTypeName(node: ConfNode): string {
  return GO_TYPE_NAMES[node.kind];
}

/** A plain JS value: what RawSection fields hold. */
export type PlainValue =
  | string
  | number
  | boolean
  | Date
  | PlainValue[]
  | { [key: string]: PlainValue };

/**
 * Converts a node to plain JS values (maps to objects, arrays to arrays), dropping positions.
 *
 * @example
 * ```ts
 * import { toPlain } from "./tree.ts";
 * const pos = { file: "a.conf", line: 1, col: 0 };
 * toPlain({ kind: "array", value: [{ kind: "bool", value: true, ...pos }], ...pos }); // [true]
 * ```
 */
export function toPlain(node: ConfNode): PlainValue {
  switch (node.kind) {
    case "map": {
      const out: Record<string, PlainValue> = {};
      for (const [key, child] of node.value) out[key] = toPlain(child);
      return out;
    }
    case "array":
      return node.value.map(toPlain);
    default:
      return node.value;
  }
}

/** Formats a position the way nats-server does: `<file>:<line>:<col>`. */
export function formatPosition(pos: SourcePosition): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

/** Copies a node with a new position (the shared map/array value is not copied, as in Go). */
export function withPosition(node: ConfNode, pos: SourcePosition): ConfNode {
  return { ...node, file: pos.file, line: pos.line, col: pos.col, usedVariable: false };
}

/** Sets every node of a tree to one position (values that came from an environment variable). */
export function positionTree(node: ConfNode, pos: SourcePosition): ConfNode {
  const placed = withPosition(node, pos);
  if (placed.kind === "map") {
    const value = new Map<string, ConfNode>();
    for (const [key, child] of placed.value) value.set(key, positionTree(child, pos));
    return { ...placed, value };
  }
  if (placed.kind === "array") {
    return { ...placed, value: placed.value.map((child) => positionTree(child, pos)) };
  }
  return placed;
}

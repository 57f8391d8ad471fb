/**
 * @module
 * The JetStream meta group's state on one server (nats-server 2.9.10 jetstream_cluster.go
 * `jetStreamCluster.streams`, `applyMetaEntries`, `applyMetaSnapshot`, `metaSnapshot`): every
 * stream assignment per account with its consumer assignments, changed only by applying the meta
 * group's committed entries (or a snapshot), in order. Each apply answers what changed, so the
 * caller can start or stop the stream and consumer groups this server is a peer of. Assignments
 * stay the parsed JSON the leader proposed (go_json.ts trees), so they are proposed and
 * snapshotted again byte for byte as Go writes them.
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */
import { JsonObject, type JsonValue, parseJson } from "../api/go_json.ts";
import { decodeSnappyBlock } from "../store/archive/snappy_block.ts";
import {
  assignmentGroup,
  decodeCompressedConsumerAssignment,
  decodeJsonEntry,
  EntryOp,
  goJsonText,
  member,
  type RaftGroupInfo,
} from "./entries.ts";

/** A stream assignment: who asked, the config, the RAFT group. */
export interface StreamAssignment {
  account: string;
  name: string;
  group: RaftGroupInfo;
  /** The whole assignment as proposed (`client`, `created`, `stream`, `group`, `sync`...). */
  body: JsonValue;
  consumers: Map<string, ConsumerAssignment>;
}

/** A consumer assignment. */
export interface ConsumerAssignment {
  account: string;
  stream: string;
  name: string;
  group: RaftGroupInfo;
  body: JsonValue;
}

/** What one apply changed. */
export type MetaChange =
  | { kind: "stream-added" | "stream-updated" | "stream-removed"; stream: StreamAssignment }
  | { kind: "consumer-added" | "consumer-removed"; consumer: ConsumerAssignment };

/** An entry the meta group cannot apply (nats-server panics or logs and skips). */
export class MetaEntryError extends Error {}

function str(v: JsonValue | undefined): string {
  return typeof v === "string" ? v : "";
}

/** ClientInfo.serviceAccount: the `svc` account when set, else `acc`. */
function serviceAccount(body: JsonValue): string {
  const client = member(body, "client");
  return str(member(client, "svc")) || str(member(client, "acc"));
}

function streamOf(body: JsonValue): StreamAssignment {
  const name = str(member(member(body, "stream"), "name"));
  const group = assignmentGroup(body);
  if (name === "" || group === null) throw new MetaEntryError("bad stream assignment");
  return { account: serviceAccount(body), name, group, body, consumers: new Map() };
}

function consumerOf(body: JsonValue): ConsumerAssignment {
  const name = str(member(body, "name"));
  const stream = str(member(body, "stream"));
  const group = assignmentGroup(body);
  if (name === "" || stream === "" || group === null) {
    throw new MetaEntryError("bad consumer assignment");
  }
  return { account: serviceAccount(body), stream, name, group, body };
}

/** The meta group's assignments (see the module doc). */
export class MetaState {
  readonly #accounts = new Map<string, Map<string, StreamAssignment>>();

  /** The assignment of stream `name` in `account`. */
  stream(account: string, name: string): StreamAssignment | undefined {
    return this.#accounts.get(account)?.get(name);
  }

  /** Every stream assignment, by account then name. */
  *streams(): IterableIterator<StreamAssignment> {
    for (const a of [...this.#accounts.keys()].sort()) {
      const streams = this.#accounts.get(a)!;
      for (const n of [...streams.keys()].sort()) yield streams.get(n)!;
    }
  }

  /** Applies one committed meta entry (op byte + body); answers what changed. */
  apply(entry: Uint8Array): MetaChange[] {
    if (entry.length === 0) throw new MetaEntryError("empty meta entry");
    if (entry[0] === EntryOp.AssignCompressedConsumer) {
      const ca = decodeCompressedConsumerAssignment(entry.subarray(1));
      if (ca === null) throw new MetaEntryError("bad compressed consumer assignment");
      return this.#addConsumer(consumerOf(ca.body));
    }
    const e = decodeJsonEntry(entry);
    if (e === null) throw new MetaEntryError(`unknown meta entry op ${entry[0]}`);
    switch (e.op) {
      case EntryOp.AssignStream:
        return this.#addStream(streamOf(e.body), "stream-added");
      case EntryOp.UpdateStream:
        return this.#addStream(streamOf(e.body), "stream-updated");
      case EntryOp.RemoveStream:
        return this.#removeStream(streamOf(e.body));
      case EntryOp.AssignConsumer:
        return this.#addConsumer(consumerOf(e.body));
      case EntryOp.RemoveConsumer:
        return this.#removeConsumer(consumerOf(e.body));
      default:
        throw new MetaEntryError(`not a meta entry op ${e.op}`);
    }
  }

  #addStream(sa: StreamAssignment, kind: "stream-added" | "stream-updated"): MetaChange[] {
    let streams = this.#accounts.get(sa.account);
    if (streams === undefined) {
      streams = new Map();
      this.#accounts.set(sa.account, streams);
    }
    const old = streams.get(sa.name);
    // An update keeps the stream's consumers (processUpdateStreamAssignment).
    if (old !== undefined) sa.consumers = old.consumers;
    streams.set(sa.name, sa);
    return [{ kind: old === undefined ? "stream-added" : kind, stream: sa }];
  }

  #removeStream(sa: StreamAssignment): MetaChange[] {
    const streams = this.#accounts.get(sa.account);
    const old = streams?.get(sa.name);
    if (old === undefined) return [];
    streams!.delete(sa.name);
    if (streams!.size === 0) this.#accounts.delete(sa.account);
    const out: MetaChange[] = [...old.consumers.values()].map((consumer) => ({
      kind: "consumer-removed" as const,
      consumer,
    }));
    out.push({ kind: "stream-removed", stream: old });
    return out;
  }

  #addConsumer(ca: ConsumerAssignment): MetaChange[] {
    const sa = this.stream(ca.account, ca.stream);
    // nats-server ignores a consumer of a stream it does not know (processConsumerAssignment).
    if (sa === undefined) return [];
    sa.consumers.set(ca.name, ca);
    return [{ kind: "consumer-added", consumer: ca }];
  }

  #removeConsumer(ca: ConsumerAssignment): MetaChange[] {
    const sa = this.stream(ca.account, ca.stream);
    const old = sa?.consumers.get(ca.name);
    if (old === undefined) return [];
    sa!.consumers.delete(ca.name);
    return [{ kind: "consumer-removed", consumer: old }];
  }

  /**
   * The snapshot's JSON (metaSnapshot before its S2 compression): every stream as a
   * writeableStreamAssignment (`client`, `created`, `stream`, `group`, `sync`, then `Consumers`,
   * Go's untagged field name, null when there are none). Empty when there is no stream.
   */
  snapshotJson(): string {
    const all = [...this.streams()];
    if (all.length === 0) return "";
    const parts = all.map((sa) => {
      const keep = ["client", "created", "stream", "group", "sync"];
      const entries = sa.body instanceof JsonObject
        ? sa.body.entries.filter(([k]) => keep.includes(k))
        : [];
      const consumers = [...sa.consumers.values()].map((c) => c.body);
      const tail: JsonValue = consumers.length === 0 ? null : consumers;
      return goJsonText(new JsonObject([...entries, ["Consumers", tail]]));
    });
    return `[${parts.join(",")}]`;
  }

  /**
   * applyMetaSnapshot: replaces the state with a snapshot's (S2-compressed JSON, or empty for
   * none); answers the changes against the state before.
   */
  applySnapshot(compressed: Uint8Array): MetaChange[] {
    const text = compressed.length === 0
      ? "[]"
      : new TextDecoder().decode(decodeSnappyBlock(compressed, 256 * 1024 * 1024));
    return this.applySnapshotJson(text);
  }

  /** {@link applySnapshot} of the uncompressed JSON. */
  applySnapshotJson(text: string): MetaChange[] {
    const list = parseJson(text);
    const next = new MetaState();
    for (const w of Array.isArray(list) ? list : []) {
      if (!(w instanceof JsonObject)) continue;
      const sa = streamOf(new JsonObject(w.entries.filter(([k]) => k !== "Consumers")));
      next.#addStream(sa, "stream-added");
      const consumers = member(w, "Consumers");
      for (const c of Array.isArray(consumers) ? consumers : []) next.#addConsumer(consumerOf(c));
    }
    const changes: MetaChange[] = [];
    for (const old of [...this.streams()]) {
      const now = next.stream(old.account, old.name);
      if (now === undefined) {
        changes.push(...this.#removeStream(old));
        continue;
      }
      for (const c of old.consumers.values()) {
        if (!now.consumers.has(c.name)) changes.push({ kind: "consumer-removed", consumer: c });
      }
    }
    for (const sa of next.streams()) {
      const old = this.stream(sa.account, sa.name);
      if (old === undefined) changes.push({ kind: "stream-added", stream: sa });
      for (const c of sa.consumers.values()) {
        if (old?.consumers.has(c.name) !== true) {
          changes.push({ kind: "consumer-added", consumer: c });
        }
      }
    }
    this.#accounts.clear();
    for (const sa of next.streams()) {
      let streams = this.#accounts.get(sa.account);
      if (streams === undefined) {
        streams = new Map();
        this.#accounts.set(sa.account, streams);
      }
      streams.set(sa.name, sa);
    }
    return changes;
  }
}

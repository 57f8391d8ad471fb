/**
 * @module
 * What a replica of a clustered stream does with its leader's consumer records
 * (stream_entries.ts): saves a durable consumer's config, removes it, or writes its state
 * through the stream store's consumer store, so that when this replica leads it recovers the
 * consumers where the old leader had them (nats-server 2.9.10 replicates them in consumer
 * groups; denats carries them in the stream's group). {@link ReplicaConsumers} also keeps them
 * in memory, for what no file holds: a memory stream's consumers.
 * IO shell: writes the consumer files beside the stream.
 */
import {
  parseConsumerMetaBody,
  removeConsumerMeta,
  writeConsumerMetaBody,
} from "../consumer/consumer_meta.ts";
import type { ConsumerApi } from "../consumer/consumer_api.ts";
import { decodeConsumerState } from "../store/consumer_state.ts";
import { decodeBase64 } from "../../accounts/nkey.ts";
import type { AckPolicy } from "../store/types.ts";
import type { Stream } from "../stream/stream.ts";
import type { ConsumerRecord } from "./stream_entries.ts";
import type { HeldConsumer } from "./stream_catchup.ts";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Applies one consumer record to the replica's files (memory streams keep none). */
export function saveConsumerRecord(s: Stream, rec: ConsumerRecord): void {
  const dir = s.consumerDir;
  if (dir === null) return;
  switch (rec.kind) {
    case "consumer":
      writeConsumerMetaBody(dir, rec.name, rec.config, s.sealer);
      return;
    case "consumer-removed":
      removeConsumerMeta(dir, rec.name);
      return;
    case "consumer-state": {
      // Only for a consumer whose config was saved (an ephemeral's state is not kept).
      if (!exists(`${dir}/${rec.name}`)) return;
      const bytes = decodeBase64(rec.state, "std");
      const cs = s.store.consumerStore(rec.name, { ackPolicy: rec.ackPolicy as AckPolicy });
      try {
        cs.update(decodeConsumerState(bytes));
      } finally {
        cs.stop();
      }
    }
  }
}

/** The consumers a replica's group carried, as last recorded (config body and state). */
export class ReplicaConsumers {
  readonly #held = new Map<string, { body: string; state: string | null }>();

  /** Records one committed consumer record. */
  apply(rec: ConsumerRecord): void {
    switch (rec.kind) {
      case "consumer": {
        const was = this.#held.get(rec.name);
        this.#held.set(rec.name, { body: rec.config, state: was?.state ?? null });
        return;
      }
      case "consumer-removed":
        this.#held.delete(rec.name);
        return;
      case "consumer-state": {
        const was = this.#held.get(rec.name);
        if (was !== undefined) was.state = rec.state;
      }
    }
  }

  /** How many consumers are held. */
  get size(): number {
    return this.#held.size;
  }

  /** What a snapshot of the group carries. */
  list(): HeldConsumer[] {
    return [...this.#held].map(([name, h]) => ({ name, body: h.body, state: h.state }));
  }

  /**
   * A snapshot's consumers replace the held ones; returns the records that bring a replica's
   * files to them (removals, configs, states).
   */
  replace(list: readonly HeldConsumer[]): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const keep = new Set(list.map((c) => c.name));
    for (const name of this.#held.keys()) {
      if (!keep.has(name)) out.push({ kind: "consumer-removed", name });
    }
    this.#held.clear();
    for (const c of list) {
      this.#held.set(c.name, { body: c.body, state: c.state });
      out.push({ kind: "consumer", name: c.name, config: c.body, created: "" });
      if (c.state === null) continue;
      let ackPolicy = "explicit";
      try {
        ackPolicy = parseConsumerMetaBody(c.body, c.name).config.ack_policy;
      } catch { /* the config's own problem: reported when it is resumed */ }
      out.push({ kind: "consumer-state", name: c.name, ackPolicy, state: c.state });
    }
    return out;
  }

  /**
   * Starts, on the replica that now leads `s`, the consumers held here that its store did not
   * recover (a memory stream's), each from its last replicated state.
   */
  resume(s: Stream, api: ConsumerApi, warn: (text: string) => void): void {
    for (const [name, h] of this.#held) {
      if (s.consumers.has(name)) continue;
      try {
        const saved = parseConsumerMetaBody(h.body, name);
        const state = h.state === null ? undefined : decodeBase64(h.state, "std");
        api.startConsumer(s, saved.name, saved.config, saved.created, state);
      } catch (err) {
        warn(
          `JetStream replica of '${s.account.name} > ${s.name}' could not resume consumer '${name}': ${err}`,
        );
      }
    }
  }
}

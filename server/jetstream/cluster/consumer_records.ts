/**
 * @module
 * What a replica of a clustered stream does with its leader's consumer records
 * (stream_entries.ts): saves a durable consumer's config, removes it, or writes its state
 * through the stream store's consumer store, so that when this replica leads it recovers the
 * consumers where the old leader had them (nats-server 2.9.10 replicates them in consumer
 * groups; denats carries them in the stream's group).
 * IO shell: writes the consumer files beside the stream.
 */
import { removeConsumerMeta, writeConsumerMetaBody } from "../consumer/consumer_meta.ts";
import { decodeConsumerState } from "../store/consumer_state.ts";
import { decodeBase64 } from "../../accounts/nkey.ts";
import type { AckPolicy } from "../store/types.ts";
import type { Stream } from "../stream/stream.ts";
import type { ConsumerRecord } from "./stream_entries.ts";

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

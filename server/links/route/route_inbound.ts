/**
 * @module
 * The queue groups a routed message must serve (the queue list of an RMSG/HMSG, nats-server
 * client.go processMsgResults `queues`): the fan-out delivers to one local member of each group
 * the route named, and skips the others (another server serves them).
 * PURE: no Deno APIs, timers or console output.
 */
import { NO_QUEUES, type QueueFilter } from "../../routing/fan_out.ts";
import type { RoutedMsgOp } from "../../protocol/sink.ts";

const dec = new TextDecoder();

/**
 * The queue names of one routed message, split lazily (only when the subject matched a queue
 * group). One instance per route link, reset for every message.
 *
 * @example
 * ```ts
 * import { RoutedQueues } from "./route_inbound.ts";
 * const arg = new TextEncoder().encode("$G foo bar baz");
 * const q = new RoutedQueues().reset({ argBuf: arg, queuesStart: 7, queuesEnd: 14 } as never);
 * if (!q.serves("baz") || q.serves("foo")) throw new Error();
 * ```
 */
export class RoutedQueues implements QueueFilter {
  readonly #names: string[] = [];
  #count = -1;
  #op: RoutedMsgOp | null = null;

  /** Starts on the next message; a message without a queue list serves no group. */
  reset(op: RoutedMsgOp): QueueFilter {
    this.#op = op;
    this.#count = -1;
    return op.queuesEnd > op.queuesStart ? this : NO_QUEUES;
  }

  serves(group: string): boolean {
    if (this.#count < 0) this.#split();
    const names = this.#names;
    for (let k = 0; k < this.#count; k++) if (names[k] === group) return true;
    return false;
  }

  #split(): void {
    const op = this.#op!;
    const buf = op.argBuf;
    let n = 0;
    let s = -1;
    for (let i = op.queuesStart; i <= op.queuesEnd; i++) {
      const b = i < op.queuesEnd ? buf[i] : 0x20;
      if (b === 0x20 || b === 0x09) {
        if (s >= 0) this.#names[n++] = dec.decode(buf.subarray(s, i));
        s = -1;
      } else if (s < 0) s = i;
    }
    this.#count = n;
  }
}

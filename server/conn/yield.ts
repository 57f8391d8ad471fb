/**
 * @module
 * A macrotask yield: lets socket reads, timers and other connections run. A MessageChannel
 * round (about 4 us), not `setTimeout(0)`, which Deno clamps to 4 ms once nested (a read loop
 * that yielded with it lost 5/6 of its throughput). Used by the read loop's budget and the mesh
 * pumps. The channel stays open (an open port keeps the isolate alive) until
 * {@link closeYielder}, which a server's shutdown and a worker's exit call. Runs in any isolate.
 */

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

/**
 * Resolves in a later macrotask.
 *
 * @example
 * ```ts
 * import { closeYielder, yieldTask } from "./yield.ts";
 * await yieldTask();
 * closeYielder();
 * ```
 */
export function yieldTask(): Promise<void> {
  if (channel === null) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(0);
  });
}

/** Stops the yield channel (an open port keeps an isolate alive); waiters resolve at once. */
export function closeYielder(): void {
  channel?.port1.close();
  channel?.port2.close();
  channel = null;
  for (const resolve of waiting.splice(0)) resolve();
}

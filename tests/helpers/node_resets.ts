/**
 * @module
 * A server resets a refused or closed client's socket; the node-compat clients
 * (`@nats-io/transport-node`, its `wsconnect`) then raise an uncaught `ECONNRESET` after the
 * close was already reported to the test. Call {@link ignoreConnectionResets} once per test
 * module that drives such closes with a real client: only that error is ignored.
 */

/** Ignores uncaught `ECONNRESET` errors raised by node-compat client sockets. */
export function ignoreConnectionResets(): void {
  globalThis.addEventListener("error", (event) => {
    const message = String((event.error as Error | undefined)?.message ?? event.message);
    if (message.includes("ECONNRESET")) event.preventDefault();
  });
}

/**
 * @module
 * Edge test helper: runs a function while the raw socket APIs (`Deno.listen`, `Deno.connect`
 * and their TLS forms) throw, as on a host that only serves HTTP and WebSocket, and records the
 * calls made to them.
 */

type SocketApi = "listen" | "connect" | "listenTls" | "connectTls";
const SOCKET_APIS: SocketApi[] = ["listen", "connect", "listenTls", "connectTls"];

/** Makes the raw socket APIs throw while `fn` runs (an HTTP-only host). */
export async function withoutSockets<T>(fn: (calls: string[]) => Promise<T>): Promise<T> {
  const d = Deno as unknown as Record<SocketApi, unknown>;
  const saved = SOCKET_APIS.map((k) => d[k]);
  const calls: string[] = [];
  for (const k of SOCKET_APIS) {
    d[k] = () => {
      calls.push(k);
      throw new Deno.errors.NotCapable(`Deno.${k} is not available on this host`);
    };
  }
  try {
    return await fn(calls);
  } finally {
    SOCKET_APIS.forEach((k, i) => (d[k] = saved[i]));
  }
}

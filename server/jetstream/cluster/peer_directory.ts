/**
 * @module
 * What the meta leader knows of the other servers (nats-server 2.9.10 jetstream_cluster.go
 * `nodeToInfo`, filled from `$SYS.SERVER.<id>.STATSZ`): each server's name, cluster, tags and
 * whether it runs JetStream, by node id. Kept from the statsz every server publishes, and asked
 * for (`$SYS.REQ.SERVER.PING.STATSZ`) when a placement needs a server not heard of yet.
 * IO shell: an internal connection in the system account.
 */
import {
  type InternalConnection,
  type InternalMsg,
  RequestError,
} from "../../internal/internal_connection.ts";
import { nodeId } from "../../raft/mod.ts";

/** One server as its statsz describes it. */
export interface PeerInfo {
  name: string;
  cluster: string;
  tags: string[];
  jetstream: boolean;
}

const dec = new TextDecoder();

/** Servers by node id (see the module doc). */
export class PeerDirectory {
  readonly #conn: InternalConnection;
  readonly #peers = new Map<string, PeerInfo>();

  constructor(conn: InternalConnection, self: PeerInfo) {
    this.#conn = conn;
    this.#peers.set(nodeId(self.name), self);
  }

  /** Listens to every server's statsz. */
  start(): void {
    this.#conn.subscribe("$SYS.SERVER.*.STATSZ", (m) => this.#learn(m));
  }

  /** Stops listening. */
  close(): void {
    this.#conn.close();
  }

  /** The server of node `id`, if heard of. */
  get(id: string): PeerInfo | undefined {
    return this.#peers.get(id);
  }

  /** Asks every server for its statsz when one of `ids` is not known yet (waits `ms` at most). */
  async refresh(ids: readonly string[], ms = 500): Promise<void> {
    if (ids.every((id) => this.#peers.has(id))) return;
    const inbox = `_INBOX.jsc.${crypto.randomUUID().replaceAll("-", "")}`;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const sub = this.#conn.subscribe(inbox, (m) => {
      this.#learn(m);
      if (ids.every((id) => this.#peers.has(id))) done();
    });
    const timer = setTimeout(done, ms);
    try {
      this.#conn.publish("$SYS.REQ.SERVER.PING.STATSZ", "", { reply: inbox });
      await all;
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
    } finally {
      clearTimeout(timer);
      sub.unsubscribe();
    }
  }

  #learn(m: InternalMsg): void {
    try {
      const s = (JSON.parse(dec.decode(m.data)) as { server?: Record<string, unknown> }).server;
      if (s === undefined || typeof s.name !== "string" || s.name === "") return;
      this.#peers.set(nodeId(s.name), {
        name: s.name,
        cluster: typeof s.cluster === "string" ? s.cluster : "",
        tags: Array.isArray(s.tags) ? s.tags.filter((t): t is string => typeof t === "string") : [],
        jetstream: s.jetstream === true,
      });
    } catch { /* not a statsz */ }
  }
}

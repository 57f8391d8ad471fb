/**
 * @module
 * The system-account requests only the meta leader serves (nats-server startUpdatesSub and the
 * system account's JetStream API): `$JS.API.META.LEADER.STEPDOWN`, `$JS.API.SERVER.REMOVE`,
 * `$JS.API.ACCOUNT.STREAM.MOVE.<acc>.<stream>` and `...CANCEL_MOVE...`, subscribed while this
 * server leads the meta group; each answers in the system account (or leaves the answer to the
 * stream's leader).
 */
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import { marshal } from "../../monitor/format.ts";
import { cancelMove, streamMove } from "./account_move.ts";
import type { JsCluster } from "./js_cluster.ts";
import { removeServer } from "./peer_remove.ts";

type Answer = Record<string, unknown> | null;

/** The meta leader's system-account subscriptions (see the module doc). */
export class LeaderRequests {
  readonly #c: JsCluster;
  readonly #conn: InternalConnection;
  #subs: { unsubscribe(): void }[] | null = null;

  constructor(c: JsCluster, conn: InternalConnection) {
    this.#c = c;
    this.#conn = conn;
  }

  /** Subscribes while this server leads the meta group, unsubscribes when it stops. */
  set(leading: boolean): void {
    if (!leading) {
      for (const sub of this.#subs ?? []) sub.unsubscribe();
      this.#subs = null;
      return;
    }
    if (this.#subs !== null || this.#conn.closed) return;
    const c = this.#c;
    const handlers: [string, (m: InternalMsg) => Answer | Promise<Answer>][] = [
      ["$JS.API.META.LEADER.STEPDOWN", (m) => c.metaStepDown(m.string())],
      ["$JS.API.SERVER.REMOVE", (m) => removeServer(c, m.string())],
      ["$JS.API.ACCOUNT.STREAM.MOVE.*.*", (m) => streamMove(c, m.subject, m.string(), m.reply)],
      ["$JS.API.ACCOUNT.STREAM.CANCEL_MOVE.*.*", (m) => cancelMove(c, m.subject, m.reply)],
    ];
    this.#subs = handlers.map(([subject, handle]) =>
      this.#conn.subscribe(subject, (m) =>
        void Promise.resolve(handle(m)).then((body) => {
          if (body !== null && m.reply !== "" && !this.#conn.closed) {
            this.#conn.publish(m.reply, marshal(body));
          }
        }))
    );
  }
}

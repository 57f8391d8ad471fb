/**
 * @module
 * Starting clustered JetStream (nats-server 2.9.10 jetstream_cluster.go
 * `enableJetStreamClustering`): the checks nats-server makes before (a cluster name, configured
 * routes), then the meta group and the API decisions in front of the stream engine's handlers.
 * Runs in the isolate that owns the connections.
 */
import type { Account } from "../../accounts/account.ts";
import type { InternalContext } from "../../internal/internal_connection.ts";
import type { JetStream } from "../jetstream.ts";
import type { StreamEngine } from "../stream/engine.ts";
import { clusterApiHandler, clusterDecorator } from "./cluster_api.ts";
import { JsCluster } from "./js_cluster.ts";

export { JsCluster } from "./js_cluster.ts";

/** What starting clustered JetStream needs of the server. */
export interface JsClusterServer {
  ctx: InternalContext;
  system: Account;
  serverName: string;
  clusterName: string;
  tags: readonly string[];
  routeCount: number;
  /** The other clusters' configured gateway URLs. */
  gatewayUrls?: number;
  routedNames(): Iterable<string>;
  /** The remote cluster a reply would go to through a gateway (null: none). */
  remoteCluster?(account: Account, reply: string): string | null;
  bindAccount(name: string): Account;
  notice(text: string): void;
  warn(text: string): void;
}

/**
 * The reason clustered JetStream cannot start (nats-server's texts), or null: a cluster name and
 * configured routes are required.
 */
export function clusterProblem(
  s: Pick<JsClusterServer, "clusterName" | "routeCount">,
): string | null {
  if (s.clusterName === "") return "JetStream cluster requires cluster name";
  if (s.routeCount === 0) {
    return "JetStream cluster requires configured routes or solicited leafnode for the system account";
  }
  return null;
}

/** Starts the meta group of `js` and puts the cluster's API decisions first. */
export function startJsCluster(js: JetStream, engine: StreamEngine, s: JsClusterServer): JsCluster {
  const c = new JsCluster({
    ctx: s.ctx,
    system: s.system,
    js,
    engine,
    serverName: s.serverName,
    clusterName: s.clusterName,
    tags: s.tags,
    storeDir: js.config.storeDir,
    routeCount: s.routeCount,
    gatewayUrls: s.gatewayUrls ?? 0,
    routedNames: () => s.routedNames(),
    remoteCluster: s.remoteCluster,
    bindAccount: (name) => s.bindAccount(name),
    notice: s.notice,
    warn: s.warn,
  });
  js.addHandler(clusterApiHandler(c, engine), true);
  js.decorate = clusterDecorator(c, js);
  js.metaCluster = () => c.metaCluster();
  js.isMetaLeader = () => c.isMetaLeader;
  js.clusterHealth = (serverOnly) => c.health(serverOnly);
  js.beforeStop = () => c.stop();
  const consumers = engine.consumerApi;
  if (consumers !== null) {
    consumers.replication = {
      saved: (view, name, body) =>
        c.replica(view.account.name, view.name)?.replicateConsumer({
          kind: "consumer",
          name,
          config: body,
          created: "",
        }),
      removed: (view, name) =>
        c.replica(view.account.name, view.name)?.replicateConsumer({
          kind: "consumer-removed",
          name,
        }),
    };
  }
  c.start();
  return c;
}

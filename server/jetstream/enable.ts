/**
 * @module
 * Starting JetStream with a server (nats-server 2.9.10 server.go Start -> EnableJetStream):
 * the running settings, the store directory check, the banner, and the API responders of every
 * account (the global account alone when no accounts are configured; otherwise each configured
 * account but the system account, with JetStream on where its `jetstream` is set). A failure
 * is thrown as nats-server's fatal `Can't start JetStream: ...`. Runs in the isolate that owns
 * the connections.
 */
import { type Account, GLOBAL_ACCOUNT } from "../accounts/account.ts";
import type { AccountConfig } from "../accounts/account_config.ts";
import type { InternalContext } from "../internal/internal_connection.ts";
import type { Logger } from "../log/logger.ts";
import type { ServerOptions } from "../options.ts";
import { configuredSystemAccount } from "../system/system_service.ts";
import { unlimitedJs } from "./account_limits.ts";
import { JetStream } from "./jetstream.ts";
import { jetStreamBanner, resolveJetStream } from "./js_config.ts";
import { machineProbe, prepareStoreDir } from "./machine.ts";
import { startStreams } from "./stream/mod.ts";
import { clusterProblem, startJsCluster } from "./cluster/mod.ts";

import { JETSTREAM_FATAL_PREFIX } from "../transport/listen_errors.ts";

/** What starting JetStream needs of the server. */
export interface JetStreamServer extends InternalContext {
  readonly id: string;
  /** The server name (clustered JetStream's node id is its hash). */
  readonly name?: string;
  /** A sharded server's worker role (null or absent: a single-isolate server). */
  readonly shard?: unknown;
  /** The routes (clustered JetStream maps node ids to the routed servers' names). */
  readonly cluster?: { routedServerNames(): string[] } | null;
  /** The gateways (a super-cluster's JetStream places streams in the requester's cluster). */
  readonly gateway?: {
    router: { interestCluster(account: Account, subject: string): string | null };
  } | null;
  readonly logger: Logger;
  bindAccount(name: string): Account;
  /** A sharded server's worker: resolves once the other workers applied its interest. */
  pongBarrier?(): Promise<void> | null;
}

/** The accounts as configured (the server's Authenticator fits). */
export interface JetStreamAccounts {
  /** The configured accounts, typed. */
  readonly accounts: ReadonlyMap<string, AccountConfig>;
  /** Operator mode's system account, if any. */
  readonly trust: { readonly systemAccount: string | undefined };
}

/** An edge host's machine: nothing is probed (no file storage; memory as configured). */
const EDGE_PROBE = { tmpDir: "", systemMemory: 0, diskAvailable: () => 0 };

/**
 * Starts JetStream when the options enable it; returns null when it is off. Throws
 * `Can't start JetStream: <reason>` as nats-server exits with. A server without cluster and
 * gateway ports runs JetStream standalone.
 */
export function startJetStream(
  server: JetStreamServer,
  options: ServerOptions,
  auth: JetStreamAccounts,
): JetStream | null {
  const cfg = options.jetstreamConfig;
  if (!cfg?.enabled) return null;
  const clustered = (options.clusterConfig?.port ?? 0) !== 0;
  const gateway = (options.gatewayConfig?.port ?? 0) !== 0;
  const standalone = !clustered && !gateway;
  const system = configuredSystemAccount(options, auth.trust.systemAccount);
  const log = server.logger;
  log.notice("Starting JetStream");
  if (!standalone && (server.shard ?? null) !== null) {
    // Clustered JetStream in a sharded server is not built: serving each shard's streams on
    // its own would answer every API request twice.
    throw new Error(
      `${JETSTREAM_FATAL_PREFIX}denats runs clustered JetStream only in a server without --shards (not built yet)`,
    );
  }
  // A gateway makes a server clustered too (nats-server standAloneMode): its meta group spans
  // the super-cluster.
  const cluster = standalone ? null : {
    clusterName: options.clusterConfig?.name || options.gatewayConfig?.name || "",
    routeCount: options.clusterConfig?.routes.length ?? 0,
    gatewayUrls: remoteGatewayUrls(options),
  };
  // An edge server without a store_dir keeps memory streams only: no file storage at all.
  const memoryOnly = options.edge === true && cfg.storeDir === "";
  const resolved = memoryOnly
    ? { ...resolveJetStream({ ...cfg, maxStore: 0 }, EDGE_PROBE), storeDir: "" }
    : resolveJetStream(cfg, machineProbe());
  const dirError = memoryOnly ? null : prepareStoreDir(resolved.storeDir);
  if (dirError !== null) throw new Error(`${JETSTREAM_FATAL_PREFIX}${dirError}`);
  for (const line of jetStreamBanner(resolved)) log.notice(line);
  // enableJetStreamClustering: its checks follow the banner and the cluster's first line.
  const problem = cluster === null ? null : clusterProblem(cluster);
  if (problem !== null) {
    log.notice("Starting JetStream cluster");
    throw new Error(`${JETSTREAM_FATAL_PREFIX}${problem}`);
  }
  const js = new JetStream(server, resolved, server.id);
  if (server.pongBarrier) js.settle = () => server.pongBarrier!();
  const configured = [...auth.accounts.values()].filter((a) => a.name !== system);
  if (configured.length === 0) {
    js.serveAccount(server.bindAccount(GLOBAL_ACCOUNT), unlimitedJs());
  } else {
    for (const a of configured) {
      js.serveAccount(server.bindAccount(a.name), a.jetstreamLimits, a.jetstreamTiers);
    }
    // The global account is served too, answering that it has no JetStream.
    js.serveAccount(server.bindAccount(GLOBAL_ACCOUNT), null);
  }
  const engine = startStreams(js, server, {
    standalone,
    clustered: cluster !== null,
    // File streams encrypted at rest (store/file/store_crypt.ts).
    encryption: resolved.cipher !== "" ? { key: cfg.key, cipher: resolved.cipher } : null,
    warn: (text) => log.warn(text),
    error: (text) => log.error(text),
    debug: (text) => log.debug(text),
    notice: (text) => log.notice(text),
  });
  if (cluster !== null) {
    startJsCluster(js, engine, {
      ctx: server,
      system: server.bindAccount(system ?? "$SYS"),
      serverName: server.name ?? server.id,
      clusterName: cluster.clusterName,
      tags: options.tags ?? [],
      routeCount: cluster.routeCount,
      gatewayUrls: cluster.gatewayUrls,
      routedNames: () => server.cluster?.routedServerNames() ?? [],
      remoteCluster: (account, reply) =>
        server.gateway?.router.interestCluster(account, reply) ?? null,
      bindAccount: (name) => server.bindAccount(name),
      notice: (text) => log.notice(text),
      warn: (text) => log.warn(text),
    });
  }
  return js;
}

/**
 * The URLs of the other clusters' gateways this server is configured with (nats-server
 * bootstrapRaftNode adds them to the meta group's expected size).
 */
function remoteGatewayUrls(options: ServerOptions): number {
  const gw = options.gatewayConfig;
  if (gw === undefined || gw.port === 0) return 0;
  let n = 0;
  for (const r of gw.gateways) if (r.name !== gw.name) n += r.urls.length;
  return n;
}

/** What {@link serveJwtJetStream} reads of the authenticator. */
export interface JwtAccounts {
  readonly trust: {
    readonly systemAccount: string | undefined;
    knownAccounts(): readonly {
      name: string;
      config: Pick<AccountConfig, "jetstreamLimits" | "jetstreamTiers">;
    }[];
  };
}

/**
 * An account JWT that allows JetStream gets its API once the account is in use (nats-server
 * updateAccountClaimsWithRefresh enables JetStream for the account), with the JWT's limits.
 */
export function serveJwtJetStream(
  js: JetStream,
  account: Account,
  options: ServerOptions,
  auth: JwtAccounts,
): void {
  if (account.name === configuredSystemAccount(options, auth.trust.systemAccount)) return;
  const jwt = auth.trust.knownAccounts().find((a) => a.name === account.name);
  if (jwt === undefined) return;
  js.serveAccount(account, jwt.config.jetstreamLimits, jwt.config.jetstreamTiers);
}

/**
 * @module
 * `$JS.API.STREAM.SNAPSHOT.<stream>` and `$JS.API.STREAM.RESTORE.<stream>` on a single server
 * (nats-server 2.9.10 jetstream_api.go `jsStreamSnapshotRequest`, `streamSnapshot`,
 * `jsStreamRestoreRequest`, `processStreamRestore`), with its checks in its order and its
 * answers: the snapshot answer (`config`, `state`) goes out before the chunks
 * (snapshot_send.ts); the restore answer names the `deliver_subject` the chunks go to
 * (restore_session.ts), and the stream info (a `stream_create_response`) answers the closing
 * empty chunk. The archive is denats' own stream directory (archive_files.ts); a memory stream
 * cannot be snapshotted (`snapshot failed: no impl`). Runs in the isolate that owns the streams.
 */
import { InternalConnection, InternalKind } from "../../internal/internal_connection.ts";
import { isValidSubject } from "../../protocol/subject.ts";
import type { Account } from "../../accounts/account.ts";
import type { Advisories, Advisory } from "../advisories.ts";
import { hasSubscriberInterest } from "../../accounts/import_routing.ts";
import { formatGoDuration } from "../../config/duration.ts";
import { Nuid } from "../../system/events.ts";
import { isEmptyRequest } from "../api/api_types.ts";
import { type ApiError, isApiError, jsApiError, jsApiErrorUnless } from "../api/errors.ts";
import { K, unmarshalStruct } from "../api/go_json.ts";
import { streamRestoreCheck } from "../api/stream_requests.ts";
import { type JsApiRequest, NOT_ENABLED_FOR_ACCOUNT } from "../jetstream.ts";
import { response, streamOp, T } from "../stream/api_common.ts";
import type { StreamEngine } from "../stream/engine.ts";
import { streamDir } from "../stream/meta_file.ts";
import type { Stream } from "../stream/stream.ts";
import { StoreErrorCode } from "../store/types.ts";
import { ArchiveError } from "../store/archive/snappy_block.ts";
import { packStreamDir } from "./archive_files.ts";
import { RestoreSession } from "./restore_session.ts";
import { restoreStream } from "./restore_stream.ts";
import { sendSnapshot } from "./snapshot_send.ts";

const SNAPSHOT_TYPE = "io.nats.jetstream.api.v1.stream_snapshot_response";
const RESTORE_TYPE = "io.nats.jetstream.api.v1.stream_restore_response";

type Reply = Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

/** Where the snapshot and restore advisories go (the JetStream of the server). */
export interface AdvisorySink {
  readonly advisories: Advisories;
  advise(account: Account, adv: Advisory): void;
  clientInfo(account: Account): Record<string, unknown>;
}

/** What the handlers need besides the engine. */
export interface SnapshotApiOptions {
  engine: StreamEngine;
  events: AdvisorySink;
  /** "" for a memory-only JetStream: restores are refused (10047). */
  storeDir: string;
  maxStore: number;
  /** Starts the consumers saved in a stream's `obs/` (ConsumerApi.recover). */
  recoverConsumers(stream: Stream): void;
  warn(text: string): void;
  error(text: string): void;
  notice(text: string): void;
  debug?(text: string): void;
  /** Restore inactivity limit in ms (tests shorten it). */
  restoreInactivityMs?: number;
}

/** jetstream.go friendlyBytes. */
export function friendlyBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.floor(Math.log(bytes) / Math.log(1024));
  return `${(bytes / 1024 ** exp).toFixed(2)} ${"KMGTPE"[exp - 1]}B`;
}

function elapsed(startMs: number): string {
  return formatGoDuration(BigInt(Math.round((performance.now() - startMs) * 1e6)));
}

/** Snapshot handlers (see the module doc). */
class SnapshotApi {
  readonly #o: SnapshotApiOptions;
  readonly #nuid = new Nuid();

  constructor(o: SnapshotApiOptions) {
    this.#o = o;
  }

  handle = (req: JsApiRequest): Reply => {
    let name: string | null;
    if ((name = streamOp(req.op, "STREAM.SNAPSHOT")) !== null) return this.#snapshot(req, name);
    if ((name = streamOp(req.op, "STREAM.RESTORE")) !== null) return this.#restore(req, name);
    return null;
  };

  #snapshot(req: JsApiRequest, name: string): Reply {
    const fail = (error: ApiError) => response(SNAPSHOT_TYPE, error);
    if (req.jsa.limits === null) return fail(NOT_ENABLED_FOR_ACCOUNT);
    const body = req.msg.string();
    if (isEmptyRequest(body)) return fail(jsApiError("JSBadRequestErr"));
    const { engine } = this.#o;
    const a = engine.accountOf(req.jsa);
    const stream = a.streams.get(name);
    if (stream === undefined) return fail(jsApiError("JSStreamNotFoundErr"));
    let r: Record<string, unknown>;
    try {
      r = unmarshalStruct(
        { deliver_subject: K.string, no_consumers: K.bool, chunk_size: K.int, jsck: K.bool },
        body,
      );
    } catch {
      return fail(jsApiError("JSInvalidJSONErr"));
    }
    const deliver = (r.deliver_subject as string | undefined) ?? "";
    if (!isValidSubject(deliver)) return fail(jsApiError("JSSnapshotDeliverSubjectInvalidErr"));
    const account = a.account.name;
    const label = `'${account} > ${name}'`;
    this.#o.notice(
      r.jsck === true
        ? `Starting health check and snapshot for stream ${label}`
        : `Starting snapshot for stream ${label}`,
    );
    const failed = (err: string) => {
      this.#o.warn(`Snapshot of stream ${label} failed: ${err}`);
      return fail(jsApiError("JSStreamSnapshotErrF", { err }));
    };
    // memstore.go Snapshot.
    if (stream.config.storage === "memory") return failed("no impl");
    if (r.jsck === true) {
      const bad = badMessages(stream);
      if (bad > 0) return failed(`snapshot check detected ${bad} bad messages`);
    }
    const start = performance.now();
    return stream.store.flush(true).then(() => {
      // One synchronous pass: the archive and the state it answers with agree.
      let archive: Uint8Array;
      try {
        archive = packStreamDir(
          streamDir(this.#o.storeDir, account, name),
          r.no_consumers !== true,
          stream.sealer,
        );
      } catch (err) {
        return failed(err instanceof Error ? err.message : String(err));
      }
      const info = stream.info();
      const bytes = stream.store.state().bytes;
      const { events } = this.#o;
      const client = events.clientInfo(a.account);
      const startNs = engine.now();
      setTimeout(() => {
        events.advise(
          a.account,
          events.advisories.snapshotCreate(name, info.state as Record<string, unknown>, client),
        );
        sendSnapshot(archive, {
          conn: stream.conn,
          stream: name,
          deliverSubject: deliver,
          chunkSize: (r.chunk_size as number | undefined) ?? 0,
          nuid: this.#nuid.next(),
          hasInterest: () => hasSubscriberInterest(a.account, deliver),
        }).catch(() => {}).finally(() => {
          const end = engine.now();
          events.advise(a.account, events.advisories.snapshotComplete(name, startNs, end, client));
          this.#o.notice(
            `Completed snapshot of ${friendlyBytes(bytes)} for stream ${label} in ${
              elapsed(start)
            }`,
          );
        });
      }, 0);
      return response(SNAPSHOT_TYPE, null, { config: info.config, state: info.state });
    }, (err) => {
      return failed(err instanceof Error ? err.message : String(err));
    });
  }

  #restore(req: JsApiRequest, name: string): Reply {
    const fail = (error: ApiError) => response(RESTORE_TYPE, error, { deliver_subject: "" });
    if (req.jsa.limits === null) return fail(NOT_ENABLED_FOR_ACCOUNT);
    const body = req.msg.string();
    if (isEmptyRequest(body)) return fail(jsApiError("JSBadRequestErr"));
    const { engine } = this.#o;
    const a = engine.accountOf(req.jsa);
    const checked = streamRestoreCheck(name, body, engine.requestContext(a));
    if ("error" in checked) return fail(checked.error);
    const cfg = checked.config;
    // A memory-only JetStream (an edge server) has no store to restore into.
    if (this.#o.storeDir === "") return fail(jsApiError("JSStorageResourcesExceededErr"));
    const account = a.account.name;
    this.#o.notice(`Starting restore for stream '${account} > ${cfg.name}'`);
    const start = performance.now();
    const startNs = engine.now();
    const { events } = this.#o;
    const client = events.clientInfo(a.account);
    events.advise(a.account, events.advisories.restoreCreate(cfg.name, client));
    const subject = `$JS.SNAPSHOT.RESTORE.${cfg.name}.${this.#nuid.next()}`;
    const conn = new InternalConnection(engine.context, a.account, {
      kind: InternalKind.JetStream,
      name: `restore-${cfg.name}`,
    });
    new RestoreSession({
      conn,
      subject,
      account,
      stream: cfg.name,
      inactivityMs: this.#o.restoreInactivityMs,
      wouldExceedLimits: (total) => engine.serverUsage().storage > this.#o.maxStore + total,
      warn: (text) => this.#o.warn(text),
      closed: () => {},
      finish: (result, bytes) => {
        // After the stream exists (its CREATED advisory), before the answer, as nats-server.
        const done = (members: Record<string, unknown>, error: ApiError | null) => {
          events.advise(
            a.account,
            events.advisories.restoreComplete(cfg.name, startNs, engine.now(), bytes, client),
          );
          const size = friendlyBytes(bytes);
          if (error === null) {
            this.#o.notice(
              `Completed restore of ${size} for stream '${cfg.name} > ${account}' in ${
                elapsed(start)
              }`,
            );
          } else {
            this.#o.warn(
              `Restore failed for ${size} for stream '${cfg.name} > ${account}' in ${
                elapsed(start)
              }`,
            );
          }
          return Promise.resolve(response(T.create, error, members));
        };
        if ("error" in result) {
          const err = result.error;
          this.#o.warn(isApiError(err) ? `${err.description} (${err.err_code})` : err.message);
          return done(
            {},
            jsApiErrorUnless("JSStreamRestoreErrF", isApiError(err) ? err : err.message),
          );
        }
        let stream: Stream;
        try {
          stream = restoreStream(
            {
              engine,
              storeDir: this.#o.storeDir,
              recoverConsumers: this.#o.recoverConsumers,
              nuid: () => this.#nuid.next(),
            },
            a,
            cfg,
            result.archive,
          );
        } catch (err) {
          // stream.go RestoreStream logs only the content it refuses (as an error).
          if (err instanceof ArchiveError && err.message.startsWith("unexpected content")) {
            this.#o.error(`Stream restore failed due to ${err.message}`);
          }
          const e = isApiError(err) ? err : errText(err);
          return done({}, jsApiErrorUnless("JSStreamRestoreErrF", e));
        }
        return done(stream.info({ domain: false }), null);
      },
    });
    return response(RESTORE_TYPE, null, { deliver_subject: subject });
  }
}

/**
 * filestore.go checkMsgs (the `jsck` option): messages of the stream that cannot be read back
 * (a deleted sequence is not one).
 */
function badMessages(stream: Stream): number {
  const st = stream.store.state();
  let bad = 0;
  for (let seq = st.firstSeq; seq > 0 && seq <= st.lastSeq; seq++) {
    try {
      stream.store.loadMsg(seq, true);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== StoreErrorCode.MsgNotFound && code !== StoreErrorCode.EOF) bad++;
    }
  }
  return bad;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The SNAPSHOT and RESTORE handler (null for any other operation). */
export function snapshotApiHandler(o: SnapshotApiOptions): (req: JsApiRequest) => Reply {
  return new SnapshotApi(o).handle;
}

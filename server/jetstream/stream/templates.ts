/**
 * @module
 * Stream templates (nats-server 2.9.10 jetstream.go `streamTemplate`, deprecated there but
 * served): a template holds a stream config without a name and listens on its subjects; the
 * first message on a literal subject no stream has yet creates a stream named after the subject
 * (`.` becomes `_`), owned by the template (`template_owner`), with that one subject, and stores
 * the message in it. At most `max_streams` streams per template; deleting a template deletes
 * the streams it made. Like nats-server, the stream names a template keeps are pruned only when
 * a creation fails, and an account's templates are saved (file) or not (memory) as the storage
 * of its first template says. Runs in the isolate that owns the streams.
 */
import {
  InternalConnection,
  InternalKind,
  type InternalMsg,
  type InternalSubscription,
} from "../../internal/internal_connection.ts";
import { goQuote } from "../../protocol/wire_errors.ts";
import { type ApiError, jsApiError } from "../api/errors.ts";
import { K, unmarshalStruct } from "../api/go_json.ts";
import {
  checkStreamConfig,
  STREAM_CONFIG_FIELDS,
  type StreamConfig,
  streamConfigFromDecoded,
  streamConfigToJson,
} from "../api/stream_config.ts";
import { streamCreateCheck } from "../api/stream_requests.ts";
import type { JsAccount } from "../jetstream.ts";
import type { AccountStreams, StreamEngine } from "./engine.ts";
import { goJson } from "./inbound.ts";
import {
  listSavedTemplates,
  removeStreamDir,
  savedAccounts,
  templateDir,
  writeTemplateMeta,
} from "./meta_file.ts";
import { inboundOf } from "./stream.ts";

/** jetstream.go StreamTemplateConfig. */
export interface TemplateConfig {
  name: string;
  /** The streams' config, named `_` once checked. */
  config: StreamConfig;
  max_streams: number;
}

/** JSMaxNameLen. */
const MAX_NAME_LEN = 255;

const TEMPLATE_FIELDS = {
  name: K.string,
  config: K.struct(STREAM_CONFIG_FIELDS),
  max_streams: K.uint32,
};

/**
 * `json.Unmarshal(body, &StreamTemplateConfig{})`: the template, or `invalid JSON`. A template
 * without a config gets an empty one (nats-server 2.9.10 crashes on it).
 */
export function parseTemplateConfig(body: string): TemplateConfig | { error: ApiError } {
  try {
    const d = unmarshalStruct(TEMPLATE_FIELDS, body) as {
      name?: string;
      config?: Record<string, unknown>;
      max_streams?: number;
    };
    return {
      name: d.name ?? "",
      config: streamConfigFromDecoded(d.config ?? {}),
      max_streams: d.max_streams ?? 0,
    };
  } catch {
    return { error: jsApiError("JSInvalidJSONErr") };
  }
}

/** A template's JSON (config, then max_streams), as saved and answered. */
export function templateJson(t: TemplateConfig): Record<string, unknown> {
  return { name: t.name, config: streamConfigToJson(t.config), max_streams: t.max_streams };
}

/** One template and the streams it made. */
export class StreamTemplate {
  readonly config: TemplateConfig;
  readonly conn: InternalConnection;
  /** Names of the streams it made (stale after a stream delete, as in nats-server). */
  streams: string[] = [];
  readonly #subs: InternalSubscription[] = [];

  constructor(config: TemplateConfig, conn: InternalConnection) {
    this.config = config;
    this.conn = conn;
  }

  get name(): string {
    return this.config.name;
  }

  listen(handler: (m: InternalMsg) => void): void {
    for (const subject of this.config.config.subjects ?? []) {
      this.#subs.push(this.conn.subscribe(subject, handler));
    }
  }

  close(): void {
    this.conn.close();
  }
}

/** Rate-limited warnings are said once a second at most (server.go rateLimitLogging). */
const RATE_LIMIT_NS = 1_000_000_000n;

/** Every account's templates (see the module doc). */
export class StreamTemplates {
  readonly #engine: StreamEngine;
  readonly #storeDir: string;
  readonly #warn: (text: string) => void;
  readonly #byAccount = new Map<string, Map<string, StreamTemplate>>();
  /** Per account: true when its templates are saved (its first template was a file one). */
  readonly #saved = new Map<string, boolean>();
  readonly #said = new Map<string, bigint>();

  constructor(engine: StreamEngine, storeDir: string, warn: (text: string) => void) {
    this.#engine = engine;
    this.#storeDir = storeDir;
    this.#warn = warn;
  }

  /** The templates of `account`, sorted by name. */
  list(account: string): StreamTemplate[] {
    const all = [...(this.#byAccount.get(account)?.values() ?? [])];
    return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(account: string, name: string): StreamTemplate | undefined {
    return this.#byAccount.get(account)?.get(name);
  }

  /** jsAccount.checkTemplateOwnership. */
  owns(account: string, template: string, stream: string): boolean {
    return this.get(account, template)?.streams.includes(stream) ?? false;
  }

  /**
   * Account.addStreamTemplate: checks the template and its stream config, listens on its
   * subjects and saves it. Answers the template or the error nats-server gives.
   */
  add(a: AccountStreams, cfg: TemplateConfig, save = true): StreamTemplate | ApiError {
    const fail = (err: string) => jsApiError("JSStreamTemplateCreateErrF", { err });
    if (cfg.config.name !== "") return fail("template config name should be empty");
    if (new TextEncoder().encode(cfg.name).length > MAX_NAME_LEN) {
      return fail(`template name is too long, maximum allowed is ${MAX_NAME_LEN}`);
    }
    const ctx = this.#engine.requestContext(a);
    const checked = checkStreamConfig({ ...cfg.config, name: "_" }, {
      lookupStream: (name) => ctx.streams.find((s) => s.name === name),
      maxBytesRequired: ctx.limits.max_bytes_required,
      maxStreamBytes: (st) =>
        st === "memory" ? ctx.limits.memory_max_stream_bytes : ctx.limits.storage_max_stream_bytes,
    });
    if ("error" in checked) return checked.error;
    const account = a.account.name;
    let mine = this.#byAccount.get(account);
    if (mine === undefined) {
      mine = new Map();
      this.#byAccount.set(account, mine);
      // Nothing is saved by a memory-only JetStream (no store directory).
      this.#saved.set(account, checked.config.storage !== "memory" && this.#storeDir !== "");
    } else if (mine.has(cfg.name)) {
      return fail(`template with name ${goQuote(cfg.name)} already exists`);
    }
    const conn = new InternalConnection(this.#engine.context, a.account, {
      kind: InternalKind.JetStream,
      name: `template-${cfg.name}`,
    });
    const t = new StreamTemplate({ ...cfg, config: checked.config }, conn);
    mine.set(cfg.name, t);
    t.listen((m) => this.#inbound(a, t, m));
    if (save && this.#saved.get(account)) {
      try {
        writeTemplateMeta(
          templateDir(this.#storeDir, account, cfg.name),
          goJson(templateJson(t.config)),
        );
      } catch (err) {
        this.#drop(account, t);
        return fail(String(err instanceof Error ? err.message : err));
      }
    }
    return t;
  }

  /** Account.deleteStreamTemplate: the template, its saved copy and its streams. */
  async delete(a: AccountStreams, name: string): Promise<ApiError | null> {
    const account = a.account.name;
    const t = this.get(account, name);
    if (t === undefined) return jsApiError("JSStreamTemplateNotFoundErr");
    this.#drop(account, t);
    if (this.#saved.get(account)) removeStreamDir(templateDir(this.#storeDir, account, name));
    const owned = t.streams.map((s) => a.streams.get(s)).filter((s) => s !== undefined);
    await Promise.all(owned.map((s) => this.#engine.deleteStream(a, s)));
    return null;
  }

  #drop(account: string, t: StreamTemplate): void {
    this.#byAccount.get(account)?.delete(t.name);
    t.close();
  }

  /**
   * streamTemplate.processInboundTemplateMsg: a message on a template subject without a
   * stream makes one (up to max_streams) and is stored in it.
   */
  #inbound(a: AccountStreams, t: StreamTemplate, m: InternalMsg): void {
    const name = m.subject.replaceAll(".", "_");
    if (a.streams.has(name) || this.get(a.account.name, t.name) !== t) return;
    const where = `for account ${goQuote(a.account.name)} on subject ${goQuote(m.subject)}`;
    if (t.streams.length >= t.config.max_streams) {
      this.#warnOnce(`JetStream could not create stream ${where}, at limit`);
      return;
    }
    t.streams.push(name);
    const cfg: StreamConfig = {
      ...t.config.config,
      name,
      subjects: [m.subject],
      template_owner: t.name,
    };
    const checked = streamCreateCheck(
      name,
      goJson(streamConfigToJson(cfg)),
      this.#engine.requestContext(a),
    );
    let error = "error" in checked ? checked.error.description : "";
    if ("config" in checked) {
      try {
        const stream = this.#engine.createStream(a, checked.config, this.#engine.now());
        void stream.processInbound(inboundOf(m));
        return;
      } catch {
        error = "error creating store for stream";
      }
    }
    t.streams = t.streams.filter((s) => a.streams.has(s));
    this.#warnOnce(`JetStream could not create stream ${where}: ${error}`);
  }

  /** client.go RateLimitWarnf from the template's JetStream connection. */
  #warnOnce(text: string): void {
    const now = this.#engine.now();
    const last = this.#said.get(text);
    if (last !== undefined && now - last < RATE_LIMIT_NS) return;
    this.#said.set(text, now);
    this.#warn(`JETSTREAM - ${text}`);
  }

  /**
   * Recovers the saved templates of every account `jsaOf` knows (before the streams, which
   * name their owner), with nats-server's warnings.
   */
  recover(jsaOf: (account: string) => JsAccount | undefined): void {
    if (this.#storeDir === "") return;
    for (const account of savedAccounts(this.#storeDir)) {
      const jsa = jsaOf(account);
      if (jsa === undefined || jsa.limits === null) continue;
      for (const json of listSavedTemplates(this.#storeDir, account, this.#warn)) {
        const cfg = parseTemplateConfig(json);
        if ("error" in cfg) {
          this.#warn(`  Error unmarshalling StreamTemplate metafile: ${cfg.error.description}`);
          continue;
        }
        const t = this.add(this.#engine.accountOf(jsa), {
          ...cfg,
          config: { ...cfg.config, name: "" },
        }, false);
        if (!(t instanceof StreamTemplate)) {
          this.#warn(`  Error recreating StreamTemplate ${goQuote(cfg.name)}: ${t.description}`);
        }
      }
    }
  }

  /**
   * jsAccount.addStreamNameToTemplate for a recovered stream; the error text when the
   * template is not there.
   */
  adopt(account: string, template: string, stream: string): string | null {
    const t = this.get(account, template);
    if (t === undefined) return "template not found";
    t.streams.push(stream);
    return null;
  }

  /** Stops listening (server shutdown); saved templates stay. */
  stop(): void {
    for (const mine of this.#byAccount.values()) for (const t of mine.values()) t.close();
    this.#byAccount.clear();
  }
}

/**
 * @module
 * The JetStream API requests whose answers tools/record_js_api.ts records from nats-server
 * 2.9.10 into server/jetstream/api/stream_config_cases.ts: invalid stream and consumer configs
 * (create and update), each after optional setup requests, plus valid STREAM.CREATE,
 * CONSUMER.CREATE and INFO for key-set comparisons.
 */

/** One raw request. */
export interface ApiRequest {
  subject: string;
  body: string;
}

/** A case: setup requests (answers not checked), then the request whose answer is recorded. */
export interface ApiCaseInput {
  name: string;
  setup: ApiRequest[];
  request: ApiRequest;
}

const J = JSON.stringify;
const streamCreate = (name: string, cfg: Record<string, unknown>): ApiRequest => ({
  subject: `$JS.API.STREAM.CREATE.${name}`,
  body: J({ name, ...cfg }),
});
const streamUpdate = (name: string, cfg: Record<string, unknown>): ApiRequest => ({
  subject: `$JS.API.STREAM.UPDATE.${name}`,
  body: J({ name, ...cfg }),
});
const S = streamCreate("S", { subjects: ["s.>"] });
const WQ = streamCreate("S", { subjects: ["s.>"], retention: "workqueue" });
const consumer = (cfg: Record<string, unknown>, subject = "$JS.API.CONSUMER.CREATE.S") => ({
  subject,
  body: J({ stream_name: "S", config: cfg }),
});
const durable = (name: string, cfg: Record<string, unknown>) =>
  consumer({ durable_name: name, ...cfg }, `$JS.API.CONSUMER.DURABLE.CREATE.S.${name}`);

const stream = (name: string, request: ApiRequest, setup: ApiRequest[] = []): ApiCaseInput => ({
  name,
  setup,
  request,
});

/** Invalid stream creates and updates. */
export const STREAM_CASES: ApiCaseInput[] = [
  stream("invalid JSON", { subject: "$JS.API.STREAM.CREATE.S", body: '{"name":' }),
  stream("empty body", { subject: "$JS.API.STREAM.CREATE.S", body: "" }),
  stream("name differs from the subject", streamCreate("S", { name: "T" })),
  stream("name with a wildcard character", streamCreate("a*", {})),
  stream("name with a path separator", streamCreate("a/b", {})),
  stream("name too long", streamCreate("n".repeat(256), {})),
  stream("description too long", streamCreate("S", { description: "d".repeat(4097) })),
  stream("sealed on create", streamCreate("S", { sealed: true })),
  stream("mirror direct without a mirror", streamCreate("S", { mirror_direct: true })),
  stream("six replicas", streamCreate("S", { num_replicas: 6 })),
  stream("negative replicas", streamCreate("S", { num_replicas: -1 })),
  stream("three replicas on a single server", streamCreate("S", { num_replicas: 3 })),
  stream("max age under 100ms", streamCreate("S", { max_age: 50_000_000 })),
  stream("negative duplicate window", streamCreate("S", { duplicate_window: -1 })),
  stream(
    "duplicate window larger than max age",
    streamCreate("S", { max_age: 1_000_000_000, duplicate_window: 2_000_000_000 }),
  ),
  stream("duplicate window under 100ms", streamCreate("S", { duplicate_window: 50_000_000 })),
  stream(
    "deny purge with roll-ups",
    streamCreate("S", { deny_purge: true, allow_rollup_hdrs: true }),
  ),
  stream(
    "discard new per subject with discard old",
    streamCreate("S", { discard_new_per_subject: true }),
  ),
  stream(
    "discard new per subject without max msgs per subject (discard matched ignoring case)",
    streamCreate("S", { discard: "NEW", discard_new_per_subject: true }),
  ),
  stream("mirror with subjects", streamCreate("S", { mirror: { name: "O" }, subjects: ["x"] })),
  stream(
    "mirror with sources",
    streamCreate("S", { mirror: { name: "O" }, sources: [{ name: "P" }] }),
  ),
  stream("duplicate subjects", streamCreate("S", { subjects: ["a", "a"] })),
  stream("subject inside the JetStream API", streamCreate("S", { subjects: ["$JS.API.foo"] })),
  stream("invalid subject", streamCreate("S", { subjects: ["foo..bar"] })),
  stream("own subjects overlap", streamCreate("S", { subjects: ["foo.*", "foo.bar"] })),
  stream(
    "republish source outside the subjects",
    streamCreate("S", { subjects: ["foo.>"], republish: { src: "bar.>", dest: "rp.>" } }),
  ),
  stream(
    "republish destination forms a cycle",
    streamCreate("S", { subjects: ["foo.>"], republish: { dest: "foo.x" } }),
  ),
  stream(
    "republish transform not valid",
    streamCreate("S", { subjects: ["foo.>"], republish: { src: "foo.*", dest: "bar.*" } }),
  ),
  stream("subjects overlap another stream", streamCreate("T", { subjects: ["s.x"] }), [S]),
  stream("same name with another config", streamCreate("S", { subjects: ["other"] }), [S]),
  stream("unknown retention", streamCreate("S", { retention: "bogus" })),
  stream("storage in the wrong case", streamCreate("S", { storage: "Memory" })),
  stream("max msgs as a string", streamCreate("S", { max_msgs: "10" })),
  stream("max msgs as a fraction", {
    subject: "$JS.API.STREAM.CREATE.S",
    body: '{"name":"S","max_msgs":1.5}',
  }),
  stream("max msg size above int32", streamCreate("S", { max_msg_size: 2147483648 })),
  stream(
    "external api prefix overlapping $JS.API",
    streamCreate("S", { sources: [{ name: "X", external: { api: "$JS.API", deliver: "d" } }] }),
  ),
  stream(
    "external api prefix with a wildcard",
    streamCreate("S", { sources: [{ name: "X", external: { api: "x.*" } }] }),
  ),
  stream(
    "external deliver prefix with a wildcard",
    streamCreate("S", { sources: [{ name: "X", external: { api: "x", deliver: "d.*" } }] }),
  ),
  stream(
    "mirror filter outside the origin subjects",
    streamCreate("M", { mirror: { name: "S", filter_subject: "other" } }),
    [S],
  ),
  stream(
    "source cycle",
    streamCreate("B", { sources: [{ name: "A" }] }),
    [streamCreate("A", { sources: [{ name: "B" }] })],
  ),
  stream("max bytes beyond the server's storage", streamCreate("S", { max_bytes: 1e18 })),
  stream("body null", { subject: "$JS.API.STREAM.CREATE.S", body: "null" }),
  stream("update of a missing stream", streamUpdate("S", {}), []),
  stream("update with another name", streamUpdate("S", { name: "T" }), [S]),
  stream(
    "update of the storage type",
    streamUpdate("S", { subjects: ["s.>"], storage: "memory" }),
    [
      S,
    ],
  ),
  stream(
    "update of the retention",
    streamUpdate("S", { subjects: ["s.>"], retention: "interest" }),
    [S],
  ),
  stream("update of max consumers", streamUpdate("S", { subjects: ["s.>"], max_consumers: 5 }), [
    S,
  ]),
  stream(
    "update unsealing a sealed stream",
    streamUpdate("S", { subjects: ["s.>"] }),
    [S, streamUpdate("S", { subjects: ["s.>"], sealed: true })],
  ),
  stream(
    "update cancelling deny delete",
    streamUpdate("S", { subjects: ["s.>"] }),
    [streamCreate("S", { subjects: ["s.>"], deny_delete: true })],
  ),
  stream(
    "update of the republish",
    streamUpdate("S", { subjects: ["s.>"], republish: { dest: "rp.>" } }),
    [S],
  ),
  stream(
    "update adding a mirror",
    streamUpdate("S", { mirror: { name: "O" } }),
    [S],
  ),
  stream("unknown fields are ignored (accepted)", streamCreate("S", { bogus: 1, subjects: ["s"] })),
  stream("keys matched ignoring case (accepted)", {
    subject: "$JS.API.STREAM.CREATE.S",
    body: '{"NAME":"S","Subjects":["s"],"MAX_MSGS":5}',
  }),
  stream("max msg size above max_payload (accepted)", streamCreate("S", { max_msg_size: 8388608 })),
  stream("the same config again (accepted)", S, [S]),
  stream("subject with a space", streamCreate("S", { subjects: ["a b"] })),
  stream(
    "source filter outside the origin subjects",
    streamCreate("T", { sources: [{ name: "S", filter_subject: "other" }] }),
    [S],
  ),
  stream(
    "update overlapping another stream",
    streamUpdate("T", { subjects: ["s.x"] }),
    [S, streamCreate("T", { subjects: ["t"] })],
  ),
];

const c = (name: string, request: ApiRequest, setup: ApiRequest[] = [S]): ApiCaseInput => ({
  name,
  setup,
  request,
});

/** Invalid consumer creates (stream `S` on `s.>` exists unless the case says otherwise). */
export const CONSUMER_CASES: ApiCaseInput[] = [
  c("consumer invalid JSON", { subject: "$JS.API.CONSUMER.CREATE.S", body: "{" }),
  c("consumer stream name differs", {
    subject: "$JS.API.CONSUMER.CREATE.S",
    body: J({ stream_name: "T", config: {} }),
  }),
  c("durable create without durable name", consumer({}, "$JS.API.CONSUMER.DURABLE.CREATE.S.d")),
  c("durable name differs from the subject", durable("d", { durable_name: "e" })),
  c(
    "durable create subject without a name",
    consumer({ durable_name: "d" }, "$JS.API.CONSUMER.DURABLE.CREATE.S"),
  ),
  c("legacy ephemeral with a durable name", consumer({ durable_name: "d" })),
  c(
    "filter in the subject differs from the config",
    consumer({ filter_subject: "s.y" }, "$JS.API.CONSUMER.CREATE.S.c.s.x"),
  ),
  c(
    "named create with another durable",
    consumer({ durable_name: "x" }, "$JS.API.CONSUMER.CREATE.S.c"),
  ),
  c("consumer name with a path separator", consumer({}, "$JS.API.CONSUMER.CREATE.S.a/b")),
  c("consumer replicas 3 on a single server", durable("d", { num_replicas: 3 })),
  c("consumer on a missing stream", durable("d", {}), []),
  c("consumer negative replicas", durable("d", { num_replicas: -1 })),
  c("backoff longer than max deliver", durable("d", { backoff: [1e9, 2e9], max_deliver: 2 })),
  c("consumer description too long", durable("d", { description: "d".repeat(4097) })),
  c("deliver subject with a wildcard", durable("d", { deliver_subject: "dl.*" })),
  c("deliver subject inside the stream", durable("d", { deliver_subject: "s.x" })),
  c("push consumer with max waiting", durable("d", { deliver_subject: "dl", max_waiting: 5 })),
  c(
    "push consumer with max ack pending and ack none",
    durable("d", { deliver_subject: "dl", ack_policy: "none", max_ack_pending: 5 }),
  ),
  c("push heartbeat under 100ms", durable("d", { deliver_subject: "dl", idle_heartbeat: 50e6 })),
  c("pull consumer with a heartbeat", durable("d", { idle_heartbeat: 1e9 })),
  c("pull consumer with flow control", durable("d", { flow_control: true })),
  c("pull consumer with a rate limit", durable("d", { rate_limit_bps: 1000 })),
  c("pull consumer with negative max waiting", durable("d", { max_waiting: -1 })),
  c("pull consumer with negative max batch", durable("d", { max_batch: -1 })),
  c("pull consumer with max expires under 1ms", durable("d", { max_expires: 1000 })),
  c("filter outside the stream subjects", durable("d", { filter_subject: "other" })),
  c("deliver all with a start sequence", durable("d", { opt_start_seq: 5 })),
  c(
    "deliver by start sequence without one",
    durable("d", { deliver_policy: "by_start_sequence" }),
  ),
  c(
    "deliver last per subject without a filter",
    durable("d", { deliver_policy: "last_per_subject" }),
  ),
  c("deliver by start time without one", durable("d", { deliver_policy: "by_start_time" })),
  c(
    "deliver new with a start time",
    durable("d", { deliver_policy: "new", opt_start_time: "2023-01-01T00:00:00Z" }),
  ),
  c("sample frequency not a number", durable("d", { sample_freq: "abc" })),
  c("sample frequency negative", durable("d", { sample_freq: "-5%" })),
  c("flow control without heartbeat", durable("d", { deliver_subject: "dl", flow_control: true })),
  c("durable and name differ", durable("d", { name: "n" })),
  c("direct consumer without deliver subject", consumer({ direct: true })),
  c("unknown ack policy", durable("d", { ack_policy: "bogus" })),
  c("legacy ephemeral with an invalid name", consumer({ name: "bad.name" })),
  c("work queue pull consumer with ack none", durable("d", { ack_policy: "none" }), [WQ]),
  c(
    "work queue push consumer with ack all",
    durable("d", { deliver_subject: "dl", ack_policy: "all" }),
    [WQ],
  ),
  c(
    "second unfiltered work queue consumer",
    durable("e", { ack_policy: "explicit" }),
    [WQ, durable("d", { ack_policy: "explicit" })],
  ),
  c("deliver group on a pull consumer (accepted)", durable("d", { deliver_group: "g" })),
  c("negative inactive threshold (accepted)", durable("d", { inactive_threshold: -1 })),
  c("durable name too long", durable("d".repeat(256), {})),
  c("the same durable again (accepted)", durable("d", {}), [S, durable("d", {})]),
  c("legacy ephemeral (accepted)", consumer({ deliver_subject: "dl" })),
  c(
    "filtered create matching its subject (accepted)",
    consumer({ filter_subject: "s.x" }, "$JS.API.CONSUMER.CREATE.S.c.s.x"),
  ),
  c("sample frequency out of range", durable("d", { sample_freq: "99999999999999999999" })),
  c(
    "deliver by start time with a start sequence",
    durable("d", {
      deliver_policy: "by_start_time",
      opt_start_time: "2023-01-01T00:00:00Z",
      opt_start_seq: 3,
    }),
  ),
  c(
    "overlapping work queue consumers",
    durable("e", { ack_policy: "explicit", filter_subject: "s.*" }),
    [WQ, durable("d", { ack_policy: "explicit", filter_subject: "s.x" })],
  ),
  c(
    "work queue consumer delivering new",
    durable("d", { ack_policy: "explicit", deliver_policy: "new" }),
    [WQ],
  ),
  c(
    "stream max consumers reached",
    durable("e", {}),
    [streamCreate("S", { subjects: ["s.>"], max_consumers: 1 }), durable("d", {})],
  ),
  c(
    "update of a consumer's deliver policy",
    durable("d", { ack_policy: "explicit", deliver_policy: "new" }),
    [S, durable("d", { ack_policy: "explicit" })],
  ),
  c(
    "update of a pull consumer to push",
    durable("d", { ack_policy: "explicit", deliver_subject: "dl" }),
    [S, durable("d", { ack_policy: "explicit" })],
  ),
  c(
    "update of the ack policy",
    durable("d", { ack_policy: "all" }),
    [S, durable("d", { ack_policy: "explicit" })],
  ),
];

/** Valid requests whose full answers are recorded for key-set comparisons. */
export const VALID_CASES: ApiCaseInput[] = [
  stream("valid stream create", streamCreate("S", { subjects: ["s.>"] })),
  c(
    "valid durable pull consumer create",
    durable("d", { ack_policy: "explicit", filter_subject: "s.x" }),
  ),
  c(
    "valid push consumer create",
    consumer({ deliver_subject: "dl", ack_policy: "none" }, "$JS.API.CONSUMER.CREATE.S.p"),
  ),
  stream("account info", { subject: "$JS.API.INFO", body: "" }, [S]),
];

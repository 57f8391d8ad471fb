/**
 * @module
 * RECORDED by tools/record_js_api.ts from nats-server: v2.9.10 (-js -sd <tmpdir>); do not edit.
 * Valid answers here; the invalid cases in the two files re-exported below. Each case: setup requests, the request, and the server's JSON answer (null:
 * no answer). PURE: data only.
 */
export { STREAM_CASES } from "./stream_config_cases_streams.ts";
export { CONSUMER_CASES } from "./stream_config_cases_consumers.ts";

/** One recorded request and answer. */
export interface RecordedCase {
  name: string;
  setup: { subject: string; body: string }[];
  request: { subject: string; body: string };
  response: unknown;
}

/** Valid STREAM.CREATE, CONSUMER.CREATE and INFO answers, for key-set comparisons. */
export const VALID_CASES: RecordedCase[] = [
  {
    name: "valid stream create",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "config": {
        "name": "S",
        "subjects": ["s.>"],
        "retention": "limits",
        "max_consumers": -1,
        "max_msgs": -1,
        "max_bytes": -1,
        "max_age": 0,
        "max_msgs_per_subject": -1,
        "max_msg_size": -1,
        "discard": "old",
        "storage": "file",
        "num_replicas": 1,
        "duplicate_window": 120000000000,
        "allow_direct": false,
        "mirror_direct": false,
        "sealed": false,
        "deny_delete": false,
        "deny_purge": false,
        "allow_rollup_hdrs": false,
      },
      "created": "2026-12-07T11:59:24.04781473Z",
      "state": {
        "messages": 0,
        "bytes": 0,
        "first_seq": 0,
        "first_ts": "0001-01-01T00:00:00Z",
        "last_seq": 0,
        "last_ts": "0001-01-01T00:00:00Z",
        "consumer_count": 0,
      },
      "did_create": true,
    },
  },
  {
    name: "valid durable pull consumer create",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","filter_subject":"s.x"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "stream_name": "S",
      "name": "d",
      "created": "2026-12-07T11:59:24.054549223Z",
      "config": {
        "durable_name": "d",
        "deliver_policy": "all",
        "ack_policy": "explicit",
        "ack_wait": 30000000000,
        "max_deliver": -1,
        "filter_subject": "s.x",
        "replay_policy": "instant",
        "max_waiting": 512,
        "max_ack_pending": 1000,
        "num_replicas": 0,
      },
      "delivered": { "consumer_seq": 0, "stream_seq": 0 },
      "ack_floor": { "consumer_seq": 0, "stream_seq": 0 },
      "num_ack_pending": 0,
      "num_redelivered": 0,
      "num_waiting": 0,
      "num_pending": 0,
    },
  },
  {
    name: "valid push consumer create",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S.p",
      "body": '{"stream_name":"S","config":{"deliver_subject":"dl","ack_policy":"none"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "stream_name": "S",
      "name": "p",
      "created": "2026-12-07T11:59:24.062016366Z",
      "config": {
        "name": "p",
        "deliver_policy": "all",
        "ack_policy": "none",
        "max_deliver": -1,
        "replay_policy": "instant",
        "deliver_subject": "dl",
        "inactive_threshold": 5000000000,
        "num_replicas": 0,
      },
      "delivered": { "consumer_seq": 0, "stream_seq": 0 },
      "ack_floor": { "consumer_seq": 0, "stream_seq": 0 },
      "num_ack_pending": 0,
      "num_redelivered": 0,
      "num_waiting": 0,
      "num_pending": 0,
    },
  },
  {
    name: "account info",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: { "subject": "$JS.API.INFO", "body": "" },
    response: {
      "type": "io.nats.jetstream.api.v1.account_info_response",
      "memory": 0,
      "storage": 0,
      "streams": 1,
      "consumers": 0,
      "limits": {
        "max_memory": -1,
        "max_storage": -1,
        "max_streams": -1,
        "max_consumers": -1,
        "max_ack_pending": -1,
        "memory_max_stream_bytes": -1,
        "storage_max_stream_bytes": -1,
        "max_bytes_required": false,
      },
      "api": { "total": 389, "errors": 104 },
    },
  },
];

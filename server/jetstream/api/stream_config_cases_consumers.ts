/**
 * @module
 * RECORDED by tools/record_js_api.ts from nats-server: v2.9.10 (-js -sd <tmpdir>); do not edit.
 * Invalid consumer creates. Each case: setup requests, the request, and the server's JSON answer (null:
 * no answer). PURE: data only.
 */
import type { RecordedCase } from "./stream_config_cases.ts";

/** Invalid consumer creates. */
export const CONSUMER_CASES: RecordedCase[] = [
  {
    name: "consumer invalid JSON",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: { "subject": "$JS.API.CONSUMER.CREATE.S", "body": "{" },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "consumer stream name differs",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: { "subject": "$JS.API.CONSUMER.CREATE.S", "body": '{"stream_name":"T","config":{}}' },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    name: "durable create without durable name",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10018,
        "description": "consumer expected to be durable but a durable name was not set",
      },
    },
  },
  {
    name: "durable name differs from the subject",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"e"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10017,
        "description": "consumer name in subject does not match durable name in request",
      },
    },
  },
  {
    name: "durable create subject without a name",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    },
    response: null,
  },
  {
    name: "legacy ephemeral with a durable name",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10020,
        "description": "consumer expected to be ephemeral but a durable name was set in request",
      },
    },
  },
  {
    name: "filter in the subject differs from the config",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S.c.s.x",
      "body": '{"stream_name":"S","config":{"filter_subject":"s.y"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10131,
        "description": "Consumer create request did not match filtered subject from create subject",
      },
    },
  },
  {
    name: "named create with another durable",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S.c",
      "body": '{"stream_name":"S","config":{"durable_name":"x"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10017,
        "description": "consumer name in subject does not match durable name in request",
      },
    },
  },
  {
    name: "consumer name with a path separator",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S.a/b",
      "body": '{"stream_name":"S","config":{}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10127,
        "description": "Consumer name can not contain path separators",
      },
    },
  },
  {
    name: "consumer replicas 3 on a single server",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","num_replicas":3}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 500,
        "err_code": 10074,
        "description": "replicas > 1 not supported in non-clustered mode",
      },
    },
  },
  {
    name: "consumer on a missing stream",
    setup: [],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": { "code": 404, "err_code": 10059, "description": "stream not found" },
    },
  },
  {
    name: "consumer negative replicas",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","num_replicas":-1}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10133,
        "description": "replicas count cannot be negative",
      },
    },
  },
  {
    name: "backoff longer than max deliver",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","backoff":[1000000000,2000000000],"max_deliver":2}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10116,
        "description": "max deliver is required to be > length of backoff values",
      },
    },
  },
  {
    name: "consumer description too long",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","description":"ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10107,
        "description": "consumer description is too long, maximum allowed is 4096",
      },
    },
  },
  {
    name: "deliver subject with a wildcard",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl.*"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10079,
        "description": "consumer deliver subject has wildcards",
      },
    },
  },
  {
    name: "deliver subject inside the stream",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"s.x"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10081,
        "description": "consumer deliver subject forms a cycle",
      },
    },
  },
  {
    name: "push consumer with max waiting",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","max_waiting":5}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10080,
        "description": "consumer in push mode can not set max waiting",
      },
    },
  },
  {
    name: "push consumer with max ack pending and ack none",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","ack_policy":"none","max_ack_pending":5}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10082,
        "description": "consumer requires ack policy for max ack pending",
      },
    },
  },
  {
    name: "push heartbeat under 100ms",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","idle_heartbeat":50000000}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10083,
        "description": "consumer idle heartbeat needs to be >= 100ms",
      },
    },
  },
  {
    name: "pull consumer with a heartbeat",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","idle_heartbeat":1000000000}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10088,
        "description": "consumer idle heartbeat requires a push based consumer",
      },
    },
  },
  {
    name: "pull consumer with flow control",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","flow_control":true}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10089,
        "description": "consumer flow control requires a push based consumer",
      },
    },
  },
  {
    name: "pull consumer with a rate limit",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","rate_limit_bps":1000}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10086,
        "description": "consumer in pull mode can not have rate limit set",
      },
    },
  },
  {
    name: "pull consumer with negative max waiting",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","max_waiting":-1}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10087,
        "description": "consumer max waiting needs to be positive",
      },
    },
  },
  {
    name: "pull consumer with negative max batch",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","max_batch":-1}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10114,
        "description": "consumer max request batch needs to be > 0",
      },
    },
  },
  {
    name: "pull consumer with max expires under 1ms",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","max_expires":1000}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10115,
        "description": "consumer max request expires needs to be >= 1ms",
      },
    },
  },
  {
    name: "filter outside the stream subjects",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","filter_subject":"other"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10093,
        "description": "consumer filter subject is not a valid subset of the interest subjects",
      },
    },
  },
  {
    name: "deliver all with a start sequence",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","opt_start_seq":5}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10094,
        "description":
          "consumer delivery policy is deliver all, but optional start sequence is also set",
      },
    },
  },
  {
    name: "deliver by start sequence without one",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"by_start_sequence"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10094,
        "description":
          "consumer delivery policy is deliver by start sequence, but optional start sequence is not set",
      },
    },
  },
  {
    name: "deliver last per subject without a filter",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"last_per_subject"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10094,
        "description":
          "consumer delivery policy is deliver last per subject, but optional filter subject is not set",
      },
    },
  },
  {
    name: "deliver by start time without one",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"by_start_time"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10094,
        "description":
          "consumer delivery policy is deliver by start time, but optional start time is not set",
      },
    },
  },
  {
    name: "deliver new with a start time",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"new","opt_start_time":"2023-01-01T00:00:00Z"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10094,
        "description":
          "consumer delivery policy is deliver new, but optional start time is also set",
      },
    },
  },
  {
    name: "sample frequency not a number",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","sample_freq":"abc"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10095,
        "description":
          'failed to parse consumer sampling configuration: strconv.Atoi: parsing "abc": invalid syntax',
      },
    },
  },
  {
    name: "sample frequency negative",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","sample_freq":"-5%"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10095,
        "description": "failed to parse consumer sampling configuration: <nil>",
      },
    },
  },
  {
    name: "flow control without heartbeat",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","flow_control":true}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10108,
        "description": "consumer with flow control also needs heartbeats",
      },
    },
  },
  {
    name: "durable and name differ",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","name":"n"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10132,
        "description": "Consumer Durable and Name have to be equal if both are provided",
      },
    },
  },
  {
    name: "direct consumer without deliver subject",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"S","config":{"direct":true}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10090,
        "description": "consumer direct requires a push based consumer",
      },
    },
  },
  {
    name: "unknown ack policy",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"bogus"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "legacy ephemeral with an invalid name",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"S","config":{"name":"bad.name"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10103,
        "description": "durable name can not contain '.', '*', '>'",
      },
    },
  },
  {
    name: "work queue pull consumer with ack none",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"none"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10084,
        "description": "consumer in pull mode requires ack policy",
      },
    },
  },
  {
    name: "work queue push consumer with ack all",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","ack_policy":"all"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10098,
        "description": "workqueue stream requires explicit ack",
      },
    },
  },
  {
    name: "second unfiltered work queue consumer",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
    }, {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.e",
      "body": '{"stream_name":"S","config":{"durable_name":"e","ack_policy":"explicit"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10099,
        "description": "multiple non-filtered consumers not allowed on workqueue stream",
      },
    },
  },
  {
    name: "deliver group on a pull consumer (accepted)",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","deliver_group":"g"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "config": {
        "durable_name": "d",
        "deliver_policy": "all",
        "ack_policy": "none",
        "max_deliver": -1,
        "replay_policy": "instant",
        "max_waiting": 512,
        "deliver_group": "g",
        "num_replicas": 0,
      },
    },
  },
  {
    name: "negative inactive threshold (accepted)",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","inactive_threshold":-1}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "config": {
        "durable_name": "d",
        "deliver_policy": "all",
        "ack_policy": "none",
        "max_deliver": -1,
        "replay_policy": "instant",
        "max_waiting": 512,
        "inactive_threshold": -1,
        "num_replicas": 0,
      },
    },
  },
  {
    name: "durable name too long",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject":
        "$JS.API.CONSUMER.DURABLE.CREATE.S.dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
      "body":
        '{"stream_name":"S","config":{"durable_name":"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10102,
        "description": "consumer name is too long, maximum allowed is 255",
      },
    },
  },
  {
    name: "the same durable again (accepted)",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }, {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "config": {
        "durable_name": "d",
        "deliver_policy": "all",
        "ack_policy": "none",
        "max_deliver": -1,
        "replay_policy": "instant",
        "max_waiting": 512,
        "num_replicas": 0,
      },
    },
  },
  {
    name: "legacy ephemeral (accepted)",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"S","config":{"deliver_subject":"dl"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "config": {
        "deliver_policy": "all",
        "ack_policy": "none",
        "max_deliver": -1,
        "replay_policy": "instant",
        "deliver_subject": "dl",
        "inactive_threshold": 5000000000,
        "num_replicas": 0,
      },
    },
  },
  {
    name: "filtered create matching its subject (accepted)",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.CREATE.S.c.s.x",
      "body": '{"stream_name":"S","config":{"filter_subject":"s.x"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "config": {
        "name": "c",
        "deliver_policy": "all",
        "ack_policy": "none",
        "max_deliver": -1,
        "filter_subject": "s.x",
        "replay_policy": "instant",
        "max_waiting": 512,
        "inactive_threshold": 5000000000,
        "num_replicas": 0,
      },
    },
  },
  {
    name: "sample frequency out of range",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","sample_freq":"99999999999999999999"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10095,
        "description":
          'failed to parse consumer sampling configuration: strconv.Atoi: parsing "99999999999999999999": value out of range',
      },
    },
  },
  {
    name: "deliver by start time with a start sequence",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"by_start_time","opt_start_time":"2023-01-01T00:00:00Z","opt_start_seq":3}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10094,
        "description":
          "consumer delivery policy is deliver by start time, but optional start start sequence is also set",
      },
    },
  },
  {
    name: "overlapping work queue consumers",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
    }, {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","filter_subject":"s.x"}}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.e",
      "body":
        '{"stream_name":"S","config":{"durable_name":"e","ack_policy":"explicit","filter_subject":"s.*"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10100,
        "description": "filtered consumer not unique on workqueue stream",
      },
    },
  },
  {
    name: "work queue consumer delivering new",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","deliver_policy":"new"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10101,
        "description": "consumer must be deliver all on workqueue stream",
      },
    },
  },
  {
    name: "stream max consumers reached",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"],"max_consumers":1}',
    }, {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.e",
      "body": '{"stream_name":"S","config":{"durable_name":"e"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": { "code": 400, "err_code": 10026, "description": "maximum consumers limit reached" },
    },
  },
  {
    name: "update of a consumer's deliver policy",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }, {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","deliver_policy":"new"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 500,
        "err_code": 10012,
        "description": "deliver policy can not be updated",
      },
    },
  },
  {
    name: "update of a pull consumer to push",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }, {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","deliver_subject":"dl"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": { "code": 500, "err_code": 10012, "description": "max waiting can not be updated" },
    },
  },
  {
    name: "update of the ack policy",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }, {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
    }],
    request: {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"all"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": { "code": 500, "err_code": 10012, "description": "ack policy can not be updated" },
    },
  },
];

/**
 * @module
 * RECORDED by tools/record_js_api.ts from nats-server: v2.9.10 (-js -sd <tmpdir>); do not edit.
 * Invalid stream creates and updates. Each case: setup requests, the request, and the server's JSON answer (null:
 * no answer). PURE: data only.
 */
import type { RecordedCase } from "./stream_config_cases.ts";

/** Invalid stream creates and updates. */
export const STREAM_CASES: RecordedCase[] = [
  {
    name: "invalid JSON",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "empty body",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": "" },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "name differs from the subject",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"T"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    name: "name with a wildcard character",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.a*", "body": '{"name":"a*"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream name is required and can not contain '.', '*', '>'",
      },
    },
  },
  {
    name: "name with a path separator",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.a/b", "body": '{"name":"a/b"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10128,
        "description": "Stream name can not contain path separators",
      },
    },
  },
  {
    name: "name too long",
    setup: [],
    request: {
      "subject":
        "$JS.API.STREAM.CREATE.nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
      "body":
        '{"name":"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream name is too long, maximum allowed is 255",
      },
    },
  },
  {
    name: "description too long",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body":
        '{"name":"S","description":"ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream description is too long, maximum allowed is 4096",
      },
    },
  },
  {
    name: "sealed on create",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","sealed":true}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for create can not be sealed",
      },
    },
  },
  {
    name: "mirror direct without a mirror",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","mirror_direct":true}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream has no mirror but does have mirror direct",
      },
    },
  },
  {
    name: "six replicas",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","num_replicas":6}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 500, "err_code": 10052, "description": "maximum replicas is 5" },
    },
  },
  {
    name: "negative replicas",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","num_replicas":-1}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10133,
        "description": "replicas count cannot be negative",
      },
    },
  },
  {
    name: "three replicas on a single server",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","num_replicas":3}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10074,
        "description": "replicas > 1 not supported in non-clustered mode",
      },
    },
  },
  {
    name: "max age under 100ms",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","max_age":50000000}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 500, "err_code": 10052, "description": "max age needs to be >= 100ms" },
    },
  },
  {
    name: "negative duplicate window",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","duplicate_window":-1}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "duplicates window can not be negative",
      },
    },
  },
  {
    name: "duplicate window larger than max age",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_age":1000000000,"duplicate_window":2000000000}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "duplicates window can not be larger then max age",
      },
    },
  },
  {
    name: "duplicate window under 100ms",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","duplicate_window":50000000}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "duplicates window needs to be >= 100ms",
      },
    },
  },
  {
    name: "deny purge with roll-ups",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","deny_purge":true,"allow_rollup_hdrs":true}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "roll-ups require the purge permission",
      },
    },
  },
  {
    name: "discard new per subject with discard old",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","discard_new_per_subject":true}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "discard new per subject requires discard new policy to be set",
      },
    },
  },
  {
    name: "discard new per subject without max msgs per subject (discard matched ignoring case)",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","discard":"NEW","discard_new_per_subject":true}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "discard new per subject requires max msgs per subject > 0",
      },
    },
  },
  {
    name: "mirror with subjects",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","mirror":{"name":"O"},"subjects":["x"]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10034,
        "description": "stream mirrors can not contain subjects",
      },
    },
  },
  {
    name: "mirror with sources",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","mirror":{"name":"O"},"sources":[{"name":"P"}]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10031,
        "description": "stream mirrors can not also contain other sources",
      },
    },
  },
  {
    name: "duplicate subjects",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["a","a"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 500, "err_code": 10052, "description": "duplicate subjects detected" },
    },
  },
  {
    name: "subject inside the JetStream API",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["$JS.API.foo"]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "subjects overlap with jetstream api",
      },
    },
  },
  {
    name: "invalid subject",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo..bar"]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 500, "err_code": 10052, "description": "invalid subject" },
    },
  },
  {
    name: "own subjects overlap",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.*","foo.bar"]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": 'subject "foo.*" overlaps with "foo.bar"',
      },
    },
  },
  {
    name: "republish source outside the subjects",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.>"],"republish":{"src":"bar.>","dest":"rp.>"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for republish source is not valid subset of subjects",
      },
    },
  },
  {
    name: "republish destination forms a cycle",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.>"],"republish":{"dest":"foo.x"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for republish destination forms a cycle",
      },
    },
  },
  {
    name: "republish transform not valid",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.>"],"republish":{"src":"foo.*","dest":"bar.*"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for republish not valid",
      },
    },
  },
  {
    name: "subjects overlap another stream",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: { "subject": "$JS.API.STREAM.CREATE.T", "body": '{"name":"T","subjects":["s.x"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10065,
        "description": "subjects overlap with an existing stream",
      },
    },
  },
  {
    name: "same name with another config",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["other"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10058,
        "description": "stream name already in use with a different configuration",
      },
    },
  },
  {
    name: "unknown retention",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","retention":"bogus"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "storage in the wrong case",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","storage":"Memory"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "max msgs as a string",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","max_msgs":"10"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "max msgs as a fraction",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","max_msgs":1.5}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "max msg size above int32",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_msg_size":2147483648}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 400, "err_code": 10025, "description": "invalid JSON" },
    },
  },
  {
    name: "external api prefix overlapping $JS.API",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","sources":[{"name":"X","external":{"api":"$JS.API","deliver":"d"}}]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10021,
        "description": "stream external api prefix $JS.API must not overlap with $JS.API",
      },
    },
  },
  {
    name: "external api prefix with a wildcard",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","sources":[{"name":"X","external":{"api":"x.*"}}]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": 'stream external api prefix "x.*" must be a valid subject without wildcards',
      },
    },
  },
  {
    name: "external deliver prefix with a wildcard",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","sources":[{"name":"X","external":{"api":"x","deliver":"d.*"}}]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10024,
        "description": "stream external delivery prefix d.* must not contain wildcards",
      },
    },
  },
  {
    name: "mirror filter outside the origin subjects",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.STREAM.CREATE.M",
      "body": '{"name":"M","mirror":{"name":"S","filter_subject":"other"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description":
          "mirror 'S' filter subject 'other' does not overlap with any origin stream subject",
      },
    },
  },
  {
    name: "source cycle",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.A",
      "body": '{"name":"A","sources":[{"name":"B"}]}',
    }],
    request: {
      "subject": "$JS.API.STREAM.CREATE.B",
      "body": '{"name":"B","sources":[{"name":"A"}]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 500, "err_code": 10052, "description": "detected cycle" },
    },
  },
  {
    name: "max bytes beyond the server's storage",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_bytes":1000000000000000000}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10047,
        "description": "insufficient storage resources available",
      },
    },
  },
  {
    name: "body null",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": "null" },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    name: "update of a missing stream",
    setup: [],
    request: { "subject": "$JS.API.STREAM.UPDATE.S", "body": '{"name":"S"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": { "code": 404, "err_code": 10059, "description": "stream not found" },
    },
  },
  {
    name: "update with another name",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: { "subject": "$JS.API.STREAM.UPDATE.S", "body": '{"name":"T"}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    name: "update of the storage type",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"storage":"memory"}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change storage type",
      },
    },
  },
  {
    name: "update of the retention",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"retention":"interest"}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change retention policy",
      },
    },
  },
  {
    name: "update of max consumers",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"max_consumers":5}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change MaxConsumers",
      },
    },
  },
  {
    name: "update unsealing a sealed stream",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }, {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"sealed":true}',
    }],
    request: { "subject": "$JS.API.STREAM.UPDATE.S", "body": '{"name":"S","subjects":["s.>"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not unseal a sealed stream",
      },
    },
  },
  {
    name: "update cancelling deny delete",
    setup: [{
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"],"deny_delete":true}',
    }],
    request: { "subject": "$JS.API.STREAM.UPDATE.S", "body": '{"name":"S","subjects":["s.>"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not cancel deny message deletes",
      },
    },
  },
  {
    name: "update of the republish",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"republish":{"dest":"rp.>"}}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change RePublish",
      },
    },
  },
  {
    name: "update adding a mirror",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: { "subject": "$JS.API.STREAM.UPDATE.S", "body": '{"name":"S","mirror":{"name":"O"}}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 400,
        "err_code": 10055,
        "description": "stream mirror configuration can not be updated",
      },
    },
  },
  {
    name: "unknown fields are ignored (accepted)",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","bogus":1,"subjects":["s"]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "config": {
        "name": "S",
        "subjects": ["s"],
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
    },
  },
  {
    name: "keys matched ignoring case (accepted)",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"NAME":"S","Subjects":["s"],"MAX_MSGS":5}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "config": {
        "name": "S",
        "subjects": ["s"],
        "retention": "limits",
        "max_consumers": -1,
        "max_msgs": 5,
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
    },
  },
  {
    name: "max msg size above max_payload (accepted)",
    setup: [],
    request: {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_msg_size":8388608}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "config": {
        "name": "S",
        "subjects": ["S"],
        "retention": "limits",
        "max_consumers": -1,
        "max_msgs": -1,
        "max_bytes": -1,
        "max_age": 0,
        "max_msgs_per_subject": -1,
        "max_msg_size": 8388608,
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
    },
  },
  {
    name: "the same config again (accepted)",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
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
    },
  },
  {
    name: "subject with a space",
    setup: [],
    request: { "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["a b"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": { "code": 500, "err_code": 10052, "description": "invalid subject" },
    },
  },
  {
    name: "source filter outside the origin subjects",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }],
    request: {
      "subject": "$JS.API.STREAM.CREATE.T",
      "body": '{"name":"T","sources":[{"name":"S","filter_subject":"other"}]}',
    },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description":
          "source 'S' filter subject 'other' does not overlap with any origin stream subject",
      },
    },
  },
  {
    name: "update overlapping another stream",
    setup: [{ "subject": "$JS.API.STREAM.CREATE.S", "body": '{"name":"S","subjects":["s.>"]}' }, {
      "subject": "$JS.API.STREAM.CREATE.T",
      "body": '{"name":"T","subjects":["t"]}',
    }],
    request: { "subject": "$JS.API.STREAM.UPDATE.T", "body": '{"name":"T","subjects":["s.x"]}' },
    response: {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 400,
        "err_code": 10065,
        "description": "subjects overlap with an existing stream",
      },
    },
  },
];

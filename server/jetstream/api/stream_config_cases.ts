/**
 * @module
 * RECORDED by tools/record_js_api.ts from nats-server: v2.9.10 (-js -sd <tmpdir>); do not edit.
 * Each case: setup requests, the request, and the server's JSON answer (null: none).
 * PURE: data only.
 */

/** One recorded request and answer. */
export interface RecordedCase {
  name: string;
  setup: { subject: string; body: string }[];
  request: { subject: string; body: string };
  response: unknown;
}

/** Invalid stream creates and updates. */
export const STREAM_CASES: RecordedCase[] = [
  {
    "name": "invalid JSON",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "empty body",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": "",
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "name differs from the subject",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"T"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    "name": "name with a wildcard character",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.a*",
      "body": '{"name":"a*"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream name is required and can not contain '.', '*', '>'",
      },
    },
  },
  {
    "name": "name with a path separator",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.a/b",
      "body": '{"name":"a/b"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10128,
        "description": "Stream name can not contain path separators",
      },
    },
  },
  {
    "name": "name too long",
    "setup": [],
    "request": {
      "subject":
        "$JS.API.STREAM.CREATE.nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
      "body":
        '{"name":"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream name is too long, maximum allowed is 255",
      },
    },
  },
  {
    "name": "description too long",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body":
        '{"name":"S","description":"ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream description is too long, maximum allowed is 4096",
      },
    },
  },
  {
    "name": "sealed on create",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","sealed":true}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for create can not be sealed",
      },
    },
  },
  {
    "name": "mirror direct without a mirror",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","mirror_direct":true}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream has no mirror but does have mirror direct",
      },
    },
  },
  {
    "name": "six replicas",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","num_replicas":6}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "maximum replicas is 5",
      },
    },
  },
  {
    "name": "negative replicas",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","num_replicas":-1}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10133,
        "description": "replicas count cannot be negative",
      },
    },
  },
  {
    "name": "three replicas on a single server",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","num_replicas":3}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10074,
        "description": "replicas > 1 not supported in non-clustered mode",
      },
    },
  },
  {
    "name": "max age under 100ms",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_age":50000000}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "max age needs to be >= 100ms",
      },
    },
  },
  {
    "name": "negative duplicate window",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","duplicate_window":-1}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "duplicates window can not be negative",
      },
    },
  },
  {
    "name": "duplicate window larger than max age",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_age":1000000000,"duplicate_window":2000000000}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "duplicates window can not be larger then max age",
      },
    },
  },
  {
    "name": "duplicate window under 100ms",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","duplicate_window":50000000}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "duplicates window needs to be >= 100ms",
      },
    },
  },
  {
    "name": "deny purge with roll-ups",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","deny_purge":true,"allow_rollup_hdrs":true}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "roll-ups require the purge permission",
      },
    },
  },
  {
    "name": "discard new per subject with discard old",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","discard_new_per_subject":true}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "discard new per subject requires discard new policy to be set",
      },
    },
  },
  {
    "name": "discard new per subject without max msgs per subject (discard matched ignoring case)",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","discard":"NEW","discard_new_per_subject":true}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "discard new per subject requires max msgs per subject > 0",
      },
    },
  },
  {
    "name": "mirror with subjects",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","mirror":{"name":"O"},"subjects":["x"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10034,
        "description": "stream mirrors can not contain subjects",
      },
    },
  },
  {
    "name": "mirror with sources",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","mirror":{"name":"O"},"sources":[{"name":"P"}]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10031,
        "description": "stream mirrors can not also contain other sources",
      },
    },
  },
  {
    "name": "duplicate subjects",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["a","a"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "duplicate subjects detected",
      },
    },
  },
  {
    "name": "subject inside the JetStream API",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["$JS.API.foo"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "subjects overlap with jetstream api",
      },
    },
  },
  {
    "name": "invalid subject",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo..bar"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "invalid subject",
      },
    },
  },
  {
    "name": "own subjects overlap",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.*","foo.bar"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": 'subject "foo.*" overlaps with "foo.bar"',
      },
    },
  },
  {
    "name": "republish source outside the subjects",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.>"],"republish":{"src":"bar.>","dest":"rp.>"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for republish source is not valid subset of subjects",
      },
    },
  },
  {
    "name": "republish destination forms a cycle",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.>"],"republish":{"dest":"foo.x"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for republish destination forms a cycle",
      },
    },
  },
  {
    "name": "republish transform not valid",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["foo.>"],"republish":{"src":"foo.*","dest":"bar.*"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration for republish not valid",
      },
    },
  },
  {
    "name": "subjects overlap another stream",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.T",
      "body": '{"name":"T","subjects":["s.x"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10065,
        "description": "subjects overlap with an existing stream",
      },
    },
  },
  {
    "name": "same name with another config",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["other"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10058,
        "description": "stream name already in use with a different configuration",
      },
    },
  },
  {
    "name": "unknown retention",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","retention":"bogus"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "storage in the wrong case",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","storage":"Memory"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "max msgs as a string",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_msgs":"10"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "max msgs as a fraction",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_msgs":1.5}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "max msg size above int32",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_msg_size":2147483648}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "external api prefix overlapping $JS.API",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","sources":[{"name":"X","external":{"api":"$JS.API","deliver":"d"}}]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10021,
        "description": "stream external api prefix $JS.API must not overlap with $JS.API",
      },
    },
  },
  {
    "name": "external api prefix with a wildcard",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","sources":[{"name":"X","external":{"api":"x.*"}}]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": 'stream external api prefix "x.*" must be a valid subject without wildcards',
      },
    },
  },
  {
    "name": "external deliver prefix with a wildcard",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","sources":[{"name":"X","external":{"api":"x","deliver":"d.*"}}]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10024,
        "description": "stream external delivery prefix d.* must not contain wildcards",
      },
    },
  },
  {
    "name": "mirror filter outside the origin subjects",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.M",
      "body": '{"name":"M","mirror":{"name":"S","filter_subject":"other"}}',
    },
    "response": {
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
    "name": "source cycle",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.A",
        "body": '{"name":"A","sources":[{"name":"B"}]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.B",
      "body": '{"name":"B","sources":[{"name":"A"}]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "detected cycle",
      },
    },
  },
  {
    "name": "max bytes beyond the server's storage",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","max_bytes":1000000000000000000}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 500,
        "err_code": 10047,
        "description": "insufficient storage resources available",
      },
    },
  },
  {
    "name": "body null",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": "null",
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    "name": "update of a missing stream",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 404,
        "err_code": 10059,
        "description": "stream not found",
      },
    },
  },
  {
    "name": "update with another name",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"T"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    "name": "update of the storage type",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"storage":"memory"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change storage type",
      },
    },
  },
  {
    "name": "update of the retention",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"retention":"interest"}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change retention policy",
      },
    },
  },
  {
    "name": "update of max consumers",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"max_consumers":5}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change MaxConsumers",
      },
    },
  },
  {
    "name": "update unsealing a sealed stream",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
      {
        "subject": "$JS.API.STREAM.UPDATE.S",
        "body": '{"name":"S","subjects":["s.>"],"sealed":true}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not unseal a sealed stream",
      },
    },
  },
  {
    "name": "update cancelling deny delete",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"],"deny_delete":true}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not cancel deny message deletes",
      },
    },
  },
  {
    "name": "update of the republish",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","subjects":["s.>"],"republish":{"dest":"rp.>"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 500,
        "err_code": 10052,
        "description": "stream configuration update can not change RePublish",
      },
    },
  },
  {
    "name": "update adding a mirror",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.S",
      "body": '{"name":"S","mirror":{"name":"O"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 400,
        "err_code": 10055,
        "description": "stream mirror configuration can not be updated",
      },
    },
  },
  {
    "name": "update overlapping another stream",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
      {
        "subject": "$JS.API.STREAM.CREATE.T",
        "body": '{"name":"T","subjects":["t"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.STREAM.UPDATE.T",
      "body": '{"name":"T","subjects":["s.x"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_update_response",
      "error": {
        "code": 400,
        "err_code": 10065,
        "description": "subjects overlap with an existing stream",
      },
    },
  },
];

/** Invalid consumer creates. */
export const CONSUMER_CASES: RecordedCase[] = [
  {
    "name": "consumer invalid JSON",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": "{",
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "consumer stream name differs",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"T","config":{}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10056,
        "description": "stream name in subject does not match request",
      },
    },
  },
  {
    "name": "durable create without durable name",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10018,
        "description": "consumer expected to be durable but a durable name was not set",
      },
    },
  },
  {
    "name": "durable name differs from the subject",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"e"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10017,
        "description": "consumer name in subject does not match durable name in request",
      },
    },
  },
  {
    "name": "durable create subject without a name",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    },
    "response": null,
  },
  {
    "name": "legacy ephemeral with a durable name",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10020,
        "description": "consumer expected to be ephemeral but a durable name was set in request",
      },
    },
  },
  {
    "name": "filter in the subject differs from the config",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S.c.s.x",
      "body": '{"stream_name":"S","config":{"filter_subject":"s.y"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10131,
        "description": "Consumer create request did not match filtered subject from create subject",
      },
    },
  },
  {
    "name": "named create with another durable",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S.c",
      "body": '{"stream_name":"S","config":{"durable_name":"x"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10017,
        "description": "consumer name in subject does not match durable name in request",
      },
    },
  },
  {
    "name": "consumer name with a path separator",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S.a/b",
      "body": '{"stream_name":"S","config":{}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10127,
        "description": "Consumer name can not contain path separators",
      },
    },
  },
  {
    "name": "consumer replicas 3 on a single server",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","num_replicas":3}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 500,
        "err_code": 10074,
        "description": "replicas > 1 not supported in non-clustered mode",
      },
    },
  },
  {
    "name": "consumer on a missing stream",
    "setup": [],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 404,
        "err_code": 10059,
        "description": "stream not found",
      },
    },
  },
  {
    "name": "consumer negative replicas",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","num_replicas":-1}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10133,
        "description": "replicas count cannot be negative",
      },
    },
  },
  {
    "name": "backoff longer than max deliver",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","backoff":[1000000000,2000000000],"max_deliver":2}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10116,
        "description": "max deliver is required to be > length of backoff values",
      },
    },
  },
  {
    "name": "consumer description too long",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","description":"ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10107,
        "description": "consumer description is too long, maximum allowed is 4096",
      },
    },
  },
  {
    "name": "deliver subject with a wildcard",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl.*"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10079,
        "description": "consumer deliver subject has wildcards",
      },
    },
  },
  {
    "name": "deliver subject inside the stream",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"s.x"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10081,
        "description": "consumer deliver subject forms a cycle",
      },
    },
  },
  {
    "name": "push consumer with max waiting",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","max_waiting":5}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10080,
        "description": "consumer in push mode can not set max waiting",
      },
    },
  },
  {
    "name": "push consumer with max ack pending and ack none",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","ack_policy":"none","max_ack_pending":5}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10082,
        "description": "consumer requires ack policy for max ack pending",
      },
    },
  },
  {
    "name": "push heartbeat under 100ms",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","idle_heartbeat":50000000}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10083,
        "description": "consumer idle heartbeat needs to be >= 100ms",
      },
    },
  },
  {
    "name": "pull consumer with a heartbeat",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","idle_heartbeat":1000000000}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10088,
        "description": "consumer idle heartbeat requires a push based consumer",
      },
    },
  },
  {
    "name": "pull consumer with flow control",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","flow_control":true}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10089,
        "description": "consumer flow control requires a push based consumer",
      },
    },
  },
  {
    "name": "pull consumer with a rate limit",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","rate_limit_bps":1000}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10086,
        "description": "consumer in pull mode can not have rate limit set",
      },
    },
  },
  {
    "name": "pull consumer with negative max waiting",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","max_waiting":-1}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10087,
        "description": "consumer max waiting needs to be positive",
      },
    },
  },
  {
    "name": "pull consumer with negative max batch",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","max_batch":-1}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10114,
        "description": "consumer max request batch needs to be > 0",
      },
    },
  },
  {
    "name": "pull consumer with max expires under 1ms",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","max_expires":1000}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10115,
        "description": "consumer max request expires needs to be >= 1ms",
      },
    },
  },
  {
    "name": "filter outside the stream subjects",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","filter_subject":"other"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10093,
        "description": "consumer filter subject is not a valid subset of the interest subjects",
      },
    },
  },
  {
    "name": "deliver all with a start sequence",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","opt_start_seq":5}}',
    },
    "response": {
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
    "name": "deliver by start sequence without one",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"by_start_sequence"}}',
    },
    "response": {
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
    "name": "deliver last per subject without a filter",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"last_per_subject"}}',
    },
    "response": {
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
    "name": "deliver by start time without one",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"by_start_time"}}',
    },
    "response": {
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
    "name": "deliver new with a start time",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_policy":"new","opt_start_time":"2023-01-01T00:00:00Z"}}',
    },
    "response": {
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
    "name": "sample frequency not a number",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","sample_freq":"abc"}}',
    },
    "response": {
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
    "name": "sample frequency negative",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","sample_freq":"-5%"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10095,
        "description": "failed to parse consumer sampling configuration: <nil>",
      },
    },
  },
  {
    "name": "flow control without heartbeat",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","flow_control":true}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10108,
        "description": "consumer with flow control also needs heartbeats",
      },
    },
  },
  {
    "name": "durable and name differ",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","name":"n"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10132,
        "description": "Consumer Durable and Name have to be equal if both are provided",
      },
    },
  },
  {
    "name": "direct consumer without deliver subject",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"S","config":{"direct":true}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10090,
        "description": "consumer direct requires a push based consumer",
      },
    },
  },
  {
    "name": "unknown ack policy",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"bogus"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10025,
        "description": "invalid JSON",
      },
    },
  },
  {
    "name": "legacy ephemeral with an invalid name",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S",
      "body": '{"stream_name":"S","config":{"name":"bad.name"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10103,
        "description": "durable name can not contain '.', '*', '>'",
      },
    },
  },
  {
    "name": "work queue pull consumer with ack none",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"none"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10084,
        "description": "consumer in pull mode requires ack policy",
      },
    },
  },
  {
    "name": "work queue push consumer with ack all",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","deliver_subject":"dl","ack_policy":"all"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10098,
        "description": "workqueue stream requires explicit ack",
      },
    },
  },
  {
    "name": "second unfiltered work queue consumer",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"],"retention":"workqueue"}',
      },
      {
        "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
        "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.e",
      "body": '{"stream_name":"S","config":{"durable_name":"e","ack_policy":"explicit"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 400,
        "err_code": 10099,
        "description": "multiple non-filtered consumers not allowed on workqueue stream",
      },
    },
  },
  {
    "name": "update of a consumer's deliver policy",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
      {
        "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
        "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","deliver_policy":"new"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 500,
        "err_code": 10012,
        "description": "deliver policy can not be updated",
      },
    },
  },
  {
    "name": "update of a pull consumer to push",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
      {
        "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
        "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","deliver_subject":"dl"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 500,
        "err_code": 10012,
        "description": "max waiting can not be updated",
      },
    },
  },
  {
    "name": "update of the ack policy",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
      {
        "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
        "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit"}}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body": '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"all"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "error": {
        "code": 500,
        "err_code": 10012,
        "description": "ack policy can not be updated",
      },
    },
  },
];

/** Valid STREAM.CREATE, CONSUMER.CREATE and INFO answers, for key-set comparisons. */
export const VALID_CASES: RecordedCase[] = [
  {
    "name": "valid stream create",
    "setup": [],
    "request": {
      "subject": "$JS.API.STREAM.CREATE.S",
      "body": '{"name":"S","subjects":["s.>"]}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.stream_create_response",
      "config": {
        "name": "S",
        "subjects": [
          "s.>",
        ],
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
      "created": "2026-12-07T11:52:18.705605649Z",
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
    "name": "valid durable pull consumer create",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.DURABLE.CREATE.S.d",
      "body":
        '{"stream_name":"S","config":{"durable_name":"d","ack_policy":"explicit","filter_subject":"s.x"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "stream_name": "S",
      "name": "d",
      "created": "2026-12-07T11:52:18.72549415Z",
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
      "delivered": {
        "consumer_seq": 0,
        "stream_seq": 0,
      },
      "ack_floor": {
        "consumer_seq": 0,
        "stream_seq": 0,
      },
      "num_ack_pending": 0,
      "num_redelivered": 0,
      "num_waiting": 0,
      "num_pending": 0,
    },
  },
  {
    "name": "valid push consumer create",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.CONSUMER.CREATE.S.p",
      "body": '{"stream_name":"S","config":{"deliver_subject":"dl","ack_policy":"none"}}',
    },
    "response": {
      "type": "io.nats.jetstream.api.v1.consumer_create_response",
      "stream_name": "S",
      "name": "p",
      "created": "2026-12-07T11:52:18.732494137Z",
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
      "delivered": {
        "consumer_seq": 0,
        "stream_seq": 0,
      },
      "ack_floor": {
        "consumer_seq": 0,
        "stream_seq": 0,
      },
      "num_ack_pending": 0,
      "num_redelivered": 0,
      "num_waiting": 0,
      "num_pending": 0,
    },
  },
  {
    "name": "account info",
    "setup": [
      {
        "subject": "$JS.API.STREAM.CREATE.S",
        "body": '{"name":"S","subjects":["s.>"]}',
      },
    ],
    "request": {
      "subject": "$JS.API.INFO",
      "body": "",
    },
    "response": {
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
      "api": {
        "total": 323,
        "errors": 96,
      },
    },
  },
];

import assert from "node:assert/strict";
import {
  jetStreamData,
  jetStreamMonitor,
  type JetStreamSource,
  parseKeepingIntegers,
} from "./jetstream_snapshot.ts";
import { marshal } from "../monitor/format.ts";
import type { JszDetailOptions } from "../monitor/types.ts";

const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** A JetStream with accounts A and B; records the detail options it was asked with. */
function fakeJs(asked: JszDetailOptions[]): JetStreamSource {
  return {
    varzConfig: () => ({ max_memory: 1, max_storage: 2, store_dir: "/s" }),
    stats: () => ({
      memory: 0,
      storage: 10,
      reserved_memory: 0,
      reserved_storage: 0,
      accounts: 2,
      ha_assets: 0,
      api: { total: 3, errors: 1 },
    }),
    totals: () => ({ streams: 1, consumers: 2, messages: 3, bytes: 4 }),
    accountNames: () => ["A", "B"],
    accountDetail: (name, opts) => {
      asked.push(opts);
      const d: Record<string, unknown> = { name, reserved_memory: rawJSON("18446744073709551615") };
      if (opts.streams) d.stream_detail = [{ name: `S${name}` }];
      return d;
    },
  };
}

Deno.test("jetStreamData: totals always, account details only when the /jsz query asks", () => {
  const asked: JszDetailOptions[] = [];
  const js = fakeJs(asked);
  const plain = jetStreamData(js);
  assert.equal(plain.details, undefined);
  assert.deepEqual(plain.accountNames, ["A", "B"]);
  assert.deepEqual(plain.totals, { streams: 1, consumers: 2, messages: 3, bytes: 4 });
  assert.equal(jetStreamData(js, {}).details, undefined);
  assert.equal(jetStreamData(js, { accounts: "false" }).details, undefined);
  assert.equal(asked.length, 0);
  // `consumers` implies streams and accounts; `config` as given; Go's bool spellings.
  const all = jetStreamData(js, { consumers: "1", config: "T" }, { leader: "n" });
  assert.deepEqual(Object.keys(all.details!), ["A", "B"]);
  assert.deepEqual(asked[0], {
    streams: true,
    consumers: true,
    config: true,
    cluster: { leader: "n" },
  });
  // `acc` alone: that account only.
  const one = jetStreamData(js, { acc: "B" });
  assert.deepEqual(Object.keys(one.details!), ["B"]);
  assert.deepEqual(asked.at(-1), { streams: false, consumers: false, config: false, cluster: {} });
  // The data crosses isolates: structured-cloneable.
  structuredClone(all);
});

Deno.test("jetStreamMonitor: details parsed back with Go's uint64 values kept", () => {
  const data = jetStreamData(fakeJs([]), { streams: "true" });
  const m = jetStreamMonitor(structuredClone(data));
  assert.equal(m.totals().messages, 3);
  assert.deepEqual(m.accountNames?.(), ["A", "B"]);
  const opts = { streams: true, consumers: false, config: false, cluster: {} };
  const a = m.accountDetail?.("A", opts)!;
  assert.equal(
    marshal(a),
    '{"name":"A","reserved_memory":18446744073709551615,"stream_detail":[{"name":"SA"}]}',
  );
  assert.equal(m.accountDetail?.("Z", opts), null);
});

Deno.test("parseKeepingIntegers: only integers beyond 2^53 stay raw", () => {
  const v = parseKeepingIntegers(
    '{"a":18446744073709551615,"b":1.5e300,"c":42,"d":"9007199254740993"}',
  );
  assert.equal(
    JSON.stringify(v),
    '{"a":18446744073709551615,"b":1.5e+300,"c":42,"d":"9007199254740993"}',
  );
});

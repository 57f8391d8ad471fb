/**
 * @module
 * Unit tests for user JWT `src` and `times` restrictions.
 */
import assert from "node:assert/strict";
import { parseCidr, parseIp, validateSrc, validateTimes } from "./src_times.ts";

Deno.test("src allows clients inside any listed CIDR, IPv4 and IPv6", () => {
  assert.equal(validateSrc(null, "1.2.3.4"), true);
  assert.equal(validateSrc(["192.168.0.0/16", "10.0.0.0/8"], "10.9.8.7"), true);
  assert.equal(validateSrc(["192.168.0.0/16"], "10.9.8.7"), false);
  assert.equal(validateSrc(["::1/128"], "::1"), true);
  assert.equal(validateSrc(["2001:db8::/32"], "2001:db8:1::5"), true);
  assert.equal(validateSrc(["127.0.0.1/32"], "::ffff:127.0.0.1"), true);
  assert.equal(validateSrc(["127.0.0.1/32"], ""), false);
  assert.equal(validateSrc(["nonsense"], "127.0.0.1"), false);
});

Deno.test("IP and CIDR parsing follows Go's net package", () => {
  assert.deepEqual([...parseIp("10.0.0.1")!], [10, 0, 0, 1]);
  assert.equal(parseIp("010.0.0.1"), null);
  assert.equal(parseIp("1.2.3"), null);
  assert.equal(parseIp("::1")?.length, 16);
  assert.equal(parseCidr("10.0.0.0/33"), null);
  assert.equal(parseCidr("10.0.0.0")?.bits, undefined);
  assert.equal(parseCidr("::/0")?.bits, 0);
});

Deno.test("times allow a window and say how long the connection may stay", () => {
  const noonUtc = Date.UTC(2030, 5, 1, 12, 0, 0);
  const window = [{ start: "09:00:00", end: "13:00:00" }];
  assert.deepEqual(validateTimes(window, "UTC", noonUtc), { allowed: true, validForMs: 3_600_000 });
  assert.deepEqual(validateTimes([{ start: "13:00:00", end: "14:00:00" }], "UTC", noonUtc), {
    allowed: false,
    validForMs: 0,
  });
  // 12:00 UTC is 21:00 in Tokyo.
  assert.equal(validateTimes(window, "Asia/Tokyo", noonUtc).allowed, false);
  assert.equal(
    validateTimes([{ start: "20:00:00", end: "22:00:00" }], "Asia/Tokyo", noonUtc).allowed,
    true,
  );
  assert.equal(validateTimes(window, "Not/AZone", noonUtc).allowed, false);
});

Deno.test("a window past midnight is only open from its start today, as in nats-server", () => {
  const late = [{ start: "22:00:00", end: "02:00:00" }];
  assert.deepEqual(validateTimes(late, "UTC", Date.UTC(2030, 0, 1, 23, 0, 0)), {
    allowed: true,
    validForMs: 3 * 3_600_000,
  });
  assert.equal(validateTimes(late, "UTC", Date.UTC(2030, 0, 1, 1, 0, 0)).allowed, false);
});

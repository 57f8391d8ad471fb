/**
 * @module
 * Tests for the WebSocket same_origin / allowed_origins checks.
 */
import assert from "node:assert/strict";
import { checkOrigin, originPolicy } from "./ws_origin.ts";

Deno.test("without same_origin or allowed_origins every origin passes", () => {
  const { policy } = originPolicy(false, []);
  assert.equal(checkOrigin(policy, "http://evil.example", "x:80", false), null);
});

Deno.test("same_origin compares host and port with the request Host, scheme defaults apply", () => {
  const { policy } = originPolicy(true, []);
  assert.equal(checkOrigin(policy, "http://LocalHost:8080", "localhost:8080", false), null);
  assert.equal(checkOrigin(policy, "http://localhost", "localhost:80", false), null);
  assert.equal(checkOrigin(policy, "https://localhost", "localhost", true), null);
  assert.equal(
    checkOrigin(policy, "http://localhost:8081", "localhost:8080", false),
    "not same origin",
  );
  assert.equal(checkOrigin(policy, null, "localhost:8080", false), null, "no Origin: accepted");
});

Deno.test("allowed_origins needs the same host, scheme and port", () => {
  const { policy } = originPolicy(false, ["https://app.example.com", "http://localhost:3000"]);
  assert.equal(checkOrigin(policy, "https://app.example.com:443", "x", false), null);
  assert.equal(checkOrigin(policy, "http://localhost:3000", "x", false), null);
  assert.equal(
    checkOrigin(policy, "http://app.example.com", "x", false),
    "not in the allowed list",
  );
  assert.equal(checkOrigin(policy, "http://localhost:3001", "x", false), "not in the allowed list");
  assert.equal(checkOrigin(policy, "http://other", "x", false), "not in the allowed list");
});

Deno.test("unparseable origins give Go's url and net error texts", () => {
  const { policy } = originPolicy(true, []);
  assert.equal(checkOrigin(policy, "null", "x:1", false), 'parse "null": invalid URI for request');
  assert.equal(
    checkOrigin(policy, "http://a:b:c", "x:1", false),
    "address a:b:c: too many colons in address",
  );
  const bad = originPolicy(false, ["nope"]);
  assert.deepEqual(bad.errors, [
    'error parsing allowed origin: parse "nope": invalid URI for request',
  ]);
});

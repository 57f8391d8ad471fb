/**
 * @module
 * Tests for the WebSocket INFO auth_required rewrite.
 */
import assert from "node:assert/strict";
import { withAuthRequired } from "./ws_context.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("withAuthRequired inserts auth_required after headers, as nats-server orders it", () => {
  const line = enc.encode(
    'INFO {"port":1,"headers":true,"tls_required":true,"max_payload":9} \r\n',
  );
  assert.equal(
    dec.decode(withAuthRequired(line, true)),
    'INFO {"port":1,"headers":true,"auth_required":true,"tls_required":true,"max_payload":9} \r\n',
  );
});

Deno.test("withAuthRequired removes auth_required and leaves a matching line untouched", () => {
  const line = enc.encode('INFO {"headers":true,"auth_required":true,"max_payload":9} \r\n');
  assert.equal(withAuthRequired(line, true), line);
  assert.equal(
    dec.decode(withAuthRequired(line, false)),
    'INFO {"headers":true,"max_payload":9} \r\n',
  );
});

/**
 * @module
 * Tests for Go-style path handling.
 */

import assert from "node:assert/strict";
import { cleanPath, dirPath, isYamlPath, joinPath } from "./paths.ts";

Deno.test("paths clean, split and join like Go's filepath", () => {
  assert.equal(cleanPath("a//b/./c/../d"), "a/b/d");
  assert.equal(cleanPath("../../x"), "../../x");
  assert.equal(cleanPath("/../x"), "/x");
  assert.equal(dirPath("a.conf"), ".");
  assert.equal(dirPath("/etc/nats/a.conf"), "/etc/nats");
  assert.equal(joinPath(".", "inc.conf"), "inc.conf");
  assert.equal(joinPath("conf", "../x.conf"), "x.conf");
  assert.equal(joinPath("/etc/nats", "/abs.conf"), "/etc/nats/abs.conf");
  assert.ok(isYamlPath("a.yaml") && isYamlPath("b.YML") && !isYamlPath("c.conf"));
});

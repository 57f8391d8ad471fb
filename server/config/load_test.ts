/**
 * @module
 * Tests for loading config files from disk and the environment.
 */

import assert from "node:assert/strict";
import { loadConfigFile, loadConfigFileSync, readConfigFile } from "./load.ts";
import { loadYamlSupport } from "./yaml.ts";

await loadYamlSupport();

Deno.test("loading a config file reads includes from disk and records the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(`${dir}/main.conf`, 'port: 4333\ninclude "sub/auth.conf"\n');
    await Deno.writeTextFile(`${dir}/sub/auth.conf`, "authorization { token: t }\n");
    const result = await loadConfigFile(`${dir}/main.conf`);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.options, {
      port: 4333,
      authorizationToken: "t",
      configFile: `${dir}/main.conf`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing config file is one error worded like Go's", () => {
  const result = loadConfigFileSync("/nonexistent/denats.conf");
  assert.deepEqual(result.errors.map((error) => error.message), [
    "open /nonexistent/denats.conf: no such file or directory",
  ]);
  assert.equal(result.errors[0].syntax, true);
  assert.throws(() => readConfigFile("/"), /read \/: is a directory/);
});

Deno.test("environment variables reach $VAR references", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.env.set("DENATS_LOAD_TEST_PORT", "4999");
    await Deno.writeTextFile(`${dir}/env.yaml`, "port: $DENATS_LOAD_TEST_PORT\n");
    const result = loadConfigFileSync(`${dir}/env.yaml`);
    assert.equal(result.options.port, 4999);
  } finally {
    Deno.env.delete("DENATS_LOAD_TEST_PORT");
    await Deno.remove(dir, { recursive: true });
  }
});

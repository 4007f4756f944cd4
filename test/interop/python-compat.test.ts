import { expect } from "chai";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { CLIENT_PYTHON, runPython, script } from "../helpers/python.js";
import { RedisServer } from "../helpers/redis-server.js";

// taggedcache_client.compat: the Python library redis-tagged-cache's API,
// driven from Python against a real server on a real Redis.
describe("the redis-tagged-cache API on the Python client", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let server: TestServer;
  let run = 0;
  const check = (name: string) => {
    const file = ["lock", "release", "race"].includes(name) ? "compat_concurrency.py" : "compat_checks.py";
    return runPython(CLIENT_PYTHON, [script(file), name, server.address, `compat-${process.pid}-${++run}`]);
  };

  before(async () => {
    redis = await RedisServer.start();
    server = await startTestServer({ REDIS_URL: redis.url, KEY_PREFIX: "compat" });
  });
  after(async () => {
    await server?.stop();
    await redis?.stop();
  });

  it("keeps the original's semantics: exact tag sets, invalidation, lifetimes, delete, serializers, pickled values", async () => {
    const out = await check("semantics");
    expect(out.in_local_memory).to.match(/in_local_memory is not supported/);
  });

  it("derives decorator keys as the original: function identity and JSON arguments, self excluded", async () => {
    const out = await check("keys");
    expect(out.function_key).to.match(/^[0-9a-f]{64}$/);
  });

  it("with lock=True, 20 threads on a cold key compute once", async () => {
    const out = await check("lock");
    expect(out.calls).to.equal(1);
  });

  it("frees the lock at once when the decorated function raises", async () => {
    const out = await check("release");
    expect(out.second_call_s).to.be.below(5);
  });

  it("returns but does not cache a value computed across a concurrent invalidation", async () => {
    const out = await check("race");
    expect(out.calls).to.be.above(0);
  });

  it("calls hooks with hit, timings, size and user data; a failing hook breaks nothing", async () => {
    const out = await check("hooks");
    expect(out.hooks).to.equal(2);
  });

  it("misses every time when disabled, without calling the server", async () => {
    const out = await check("disabled");
    expect(out.calls).to.equal(2);
  });

  // Last: it takes Redis away.
  it("never raises when the backend is down: gets miss, writes return False, a warning is logged", async () => {
    await redis.kill();
    const out = await check("down");
    expect(out.server_says_unavailable).to.match(/cache backend error .*UNAVAILABLE/);
    expect(out.no_server).to.match(/cache backend error .*UNAVAILABLE/);
  });
});

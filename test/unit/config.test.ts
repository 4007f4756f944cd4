import { readFileSync } from "node:fs";
import { expect } from "chai";
import { ENVELOPE_BYTES, loadConfig, OPTIONS } from "../../server/src/config.js";
import { ConfigError } from "../../server/src/core/errors.js";

describe("config", () => {
  it("has documented defaults", () => {
    const c = loadConfig([], {});
    expect(c.server.port).to.equal(50051);
    expect(c.store.redisUrl).to.equal(undefined);
    expect(c.limits.defaultLifetimeMs).to.equal(3_600_000);
  });

  it("reads variables, and flags win over them", () => {
    const c = loadConfig(["--port", "7000", "--max-key-bytes=64"], { PORT: "6000", MAX_TAGS: "5", REDIS_URL: "redis://h:1" });
    expect(c.server.port).to.equal(7000);
    expect(c.limits.maxKeyBytes).to.equal(64);
    expect(c.limits.maxTags).to.equal(5);
    expect(c.store.redisUrl).to.equal("redis://h:1");
  });

  it("refuses unknown flags, missing values, non-numbers and out-of-range numbers", () => {
    expect(() => loadConfig(["--nope", "1"], {})).to.throw(ConfigError, "unknown flag --nope");
    expect(() => loadConfig(["--port"], {})).to.throw(ConfigError, "--port needs a value");
    expect(() => loadConfig([], { PORT: "12ab" })).to.throw(ConfigError, 'PORT: expected a whole number, got "12ab"');
    expect(() => loadConfig([], { MAX_TAGS: "256" })).to.throw(ConfigError, "MAX_TAGS: must be between 0 and 255, got 256");
  });

  it("reads Cluster nodes and Sentinels as host:port lists, and only one place for Redis", () => {
    const c = loadConfig(["--redis-cluster-nodes", "a:7000, b:7001"], {});
    expect(c.store.redisClusterNodes).to.deep.equal([{ host: "a", port: 7000 }, { host: "b", port: 7001 }]);
    expect(loadConfig([], { REDIS_SENTINELS: "s:26379" }).store.redisSentinels).to.deep.equal([{ host: "s", port: 26379 }]);
    expect(() => loadConfig([], { REDIS_SENTINELS: "s" })).to.throw(ConfigError, 'REDIS_SENTINELS: expected host:port');
    expect(() => loadConfig([], { REDIS_CLUSTER_NODES: "a:99999" })).to.throw(ConfigError, "REDIS_CLUSTER_NODES");
    expect(() => loadConfig([], { REDIS_URL: "redis://h:1", REDIS_SENTINELS: "s:1" })).to.throw(ConfigError, "only one of");
    expect(() => loadConfig([], { REDIS_CLUSTER_NODES: "a:1", KEY_PREFIX: "t{c}" })).to.throw(ConfigError, "KEY_PREFIX");
  });

  it("computes derived values from the settings they depend on", () => {
    const c = loadConfig([], { HOST: "h", MAX_VALUE_BYTES: "1000", REDIS_COMMAND_TIMEOUT_MS: "301" });
    expect(c.server.maxReceiveMessageBytes).to.equal(1000 + ENVELOPE_BYTES);
    expect(c.store.redisWaitMs).to.equal(151);
    expect(c.observability.metricsHost).to.equal("h");
    const set = loadConfig([], { MAX_RECEIVE_MESSAGE_BYTES: "5000", METRICS_HOST: "m" });
    expect(set.server.maxReceiveMessageBytes).to.equal(5000);
    expect(set.observability.metricsHost).to.equal("m");
  });

  it("is documented row by row in the README", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const o of OPTIONS) expect(readme, o.env).to.include(`| \`${o.env}\` |`);
  });
});

import { expect } from "chai";
import { ConfigError } from "../../server/src/core/errors.js";
import { checkRedisUrl } from "../../server/src/store/redis/redis-url.js";

describe("REDIS_URL check", () => {
  it("accepts redis:// and rediss:// URLs with a host, credentials, port and database", () => {
    for (const url of ["redis://h", "redis://127.0.0.1:6379", "redis://:pw@h:6379/0", "rediss://user:pw@h:6380/15", "redis://[::1]:6379"]) {
      expect(() => checkRedisUrl(url), url).to.not.throw();
    }
  });

  it("refuses other schemes, a missing host or a path that is not a database, never echoing a password", () => {
    expect(() => checkRedisUrl("localhost:6379")).to.throw(ConfigError, 'got "localhost:6379" with the scheme "localhost:"');
    expect(() => checkRedisUrl("http://x")).to.throw(ConfigError, 'with the scheme "http:"');
    expect(() => checkRedisUrl("redis://")).to.throw(ConfigError, "without a host");
    expect(() => checkRedisUrl("redis://h/x")).to.throw(ConfigError, "not a database number");
    expect(() => checkRedisUrl("not a url")).to.throw(ConfigError, "REDIS_URL: expected redis://");
    expect(() => checkRedisUrl("http://u:secret@h")).to.throw(ConfigError).with.property("message").that.does.not.include("secret");
  });
});

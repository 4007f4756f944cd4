import { expect } from "chai";
import type { Redis } from "ioredis";
import { TurnCork } from "../../server/src/store/redis-standalone/turn-cork.js";
import { sharedRedis } from "../helpers/redis-server.js";

describe("TurnCork", () => {
  let redis: Redis;
  before(async () => {
    redis = (await sharedRedis()).connect();
    await redis.ping();
  });
  after(async () => redis?.quit());

  it("holds the commands of one turn in the socket until the turn ends, then sends them all", async () => {
    const cork = new TurnCork(redis);
    cork.hold();
    cork.hold();
    const sets = Array.from({ length: 10 }, (_, i) => redis.set(`cork:${i}`, String(i)));
    // Nothing has left: the ten commands wait in the corked socket.
    expect(redis.stream.writableCorked).to.equal(1);
    expect(redis.stream.writableLength).to.be.greaterThan(0);
    expect(await Promise.all(sets)).to.deep.equal(Array(10).fill("OK"));
    expect(redis.stream.writableCorked).to.equal(0);
    expect(await redis.mget(Array.from({ length: 10 }, (_, i) => `cork:${i}`))).to.deep.equal(
      Array.from({ length: 10 }, (_, i) => String(i)),
    );
  });
});

import { status, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { expect } from "chai";
import { TaggedCacheClient, type TaggedCacheError } from "../src/index.js";
import { GetResponseSchema } from "../src/proto.js";
import { standInServer } from "./stand-in-server.js";

/**
 * A stand-in server whose Get fails with a chosen status a number of times
 * before answering, recording what each call carried.
 */
async function scriptedServer(failures: number, code = status.UNAVAILABLE) {
  const seen = { calls: 0, authorization: [] as unknown[] };
  const server = await standInServer({
    Get: (call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) => {
      seen.calls++;
      seen.authorization.push(...call.metadata.get("authorization"));
      if (seen.calls <= failures) return done({ code, details: "scripted failure" });
      done(null, create(GetResponseSchema, { hit: false }));
    },
  });
  return { seen, ...server };
}

describe("client options: token, retries", function () {
  it("sends the token as a bearer authorization on every attempt, and retries UNAVAILABLE", async () => {
    const s = await scriptedServer(2);
    const c = new TaggedCacheClient(s.address, { token: "s3cret", retry: { attempts: 3, initialBackoffMs: 10 } });
    try {
      expect((await c.read("k")).entry).to.equal(undefined);
      expect(s.seen.calls).to.equal(3);
      expect(s.seen.authorization).to.deep.equal(["Bearer s3cret", "Bearer s3cret", "Bearer s3cret"]);
    } finally {
      c.close();
      s.stop();
    }
  });

  it("stops retrying when the next attempt could not start before the deadline", async () => {
    const s = await scriptedServer(100);
    const c = new TaggedCacheClient(s.address, { deadlineMs: 300, retry: { attempts: 100, initialBackoffMs: 100 } });
    try {
      const err = (await c.get("k").catch((e) => e)) as TaggedCacheError;
      // The last attempt may itself run into the deadline on a slow machine.
      expect(err.code).to.be.oneOf([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);
      expect(s.seen.calls).to.be.within(2, 4);
    } finally {
      c.close();
      s.stop();
    }
  });

  it("does not retry other errors", async () => {
    const s = await scriptedServer(1, status.INVALID_ARGUMENT);
    const c = new TaggedCacheClient(s.address);
    try {
      const err = (await c.get("k").catch((e) => e)) as TaggedCacheError;
      expect(err.code).to.equal(status.INVALID_ARGUMENT);
      expect(err.details).to.equal("scripted failure");
      expect(s.seen.calls).to.equal(1);
    } finally {
      c.close();
      s.stop();
    }
  });
});

import { expect } from "chai";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { runPython, script, SYSTEM_PYTHON } from "../helpers/python.js";
import { RedisServer } from "../helpers/redis-server.js";

const reflect = (server: TestServer, ...args: string[]) =>
  runPython(SYSTEM_PYTHON, [script("reflection_client.py"), server.address, ...args]);

// A reflection client on Debian's grpcio and protobuf, knowing none of our
// protos: it loads every descriptor the server hands out into a fresh
// descriptor pool, which refuses malformed ones, as grpcurl does.
describe("reflection and health, through reflection only, from a stock client", function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let server: TestServer;
  before(async () => {
    redis = await RedisServer.start();
    server = await startTestServer({ REDIS_URL: redis.url, KEY_PREFIX: "interop-reflect" });
  });
  after(async () => {
    await server?.stop();
    await redis?.stop();
  });

  it("lists TaggedCache, Health and both reflection services", async () => {
    expect(await reflect(server, "list")).to.have.members([
      "taggedcache.v1.TaggedCache",
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
    ]);
  });

  it("describes every service from descriptors a descriptor pool accepts", async () => {
    const cache = await reflect(server, "describe", "taggedcache.v1.TaggedCache");
    expect(cache.file).to.equal("taggedcache/v1/tagged_cache.proto");
    expect(Object.keys(cache.methods)).to.deep.equal(["Get", "Set", "Delete", "Invalidate", "InvalidateAll", "GetMany", "Release", "Watch"]);
    expect(cache.methods.GetMany).to.include({ client_streaming: true, server_streaming: true });
    expect(cache.methods.Watch).to.include({ client_streaming: true, server_streaming: true });
    const health = await reflect(server, "describe", "grpc.health.v1.Health");
    expect(health.file).to.equal("grpc/health/v1/health.proto");
    expect(Object.keys(health.methods)).to.deep.equal(["Check", "Watch", "List"]);
    expect(health.methods.List.output).to.equal("grpc.health.v1.HealthListResponse");
    for (const version of ["v1", "v1alpha"]) {
      const reflection = await reflect(server, "describe", `grpc.reflection.${version}.ServerReflection`);
      expect(Object.keys(reflection.methods)).to.deep.equal(["ServerReflectionInfo"]);
    }
  });

  it("calls Health/Check and Health/List with messages built from reflection", async () => {
    expect(await reflect(server, "call", "grpc.health.v1.Health/Check", '{"service": "taggedcache.v1.TaggedCache"}')).to.deep.equal({ status: "SERVING" });
    const list = await reflect(server, "call", "grpc.health.v1.Health/List", "{}");
    expect(list.statuses["taggedcache.v1.TaggedCache"]).to.deep.equal({ status: "SERVING" });
    await redis.kill();
    // Health follows the store; wait for it to notice.
    const deadline = Date.now() + 20_000;
    let status = "";
    while ((status = (await reflect(server, "call", "grpc.health.v1.Health/Check", '{"service": ""}')).status) !== "NOT_SERVING") {
      expect(Date.now(), `still ${status}`).to.be.below(deadline);
    }
  });
});

import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { expect } from "chai";
import { createRequire } from "node:module";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { RedisServer } from "../helpers/redis-server.js";

const require = createRequire(import.meta.url);

// A reflection client built from the reflection service's own proto, as
// grpcurl uses it: nothing of ours is loaded.
function reflectionClient(address: string, version: "v1" | "v1alpha") {
  const file = require.resolve(`@grpc/reflection/build/proto/grpc/reflection/${version}/reflection.proto`);
  const pkg = grpc.loadPackageDefinition(loadSync(file, { keepCase: true })) as any;
  const Ctor = pkg.grpc.reflection[version].ServerReflection;
  return new Ctor(address, grpc.credentials.createInsecure());
}

function ask(client: any, request: object): Promise<any> {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.on("data", (res: any) => {
      resolve(res);
      call.end();
    });
    call.on("error", reject);
    call.write(request);
  });
}

function healthCheck(address: string, service: string): Promise<string> {
  const pkg = grpc.loadPackageDefinition(loadSync(require.resolve("grpc-health-check/proto/health/v1/health.proto"), { enums: String })) as any;
  const client = new pkg.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.Check({ service }, (err: Error | null, res: { status: string }) => {
      client.close();
      err ? reject(err) : resolve(res.status);
    }),
  );
}

describe("reflection and health", () => {
  let redis: RedisServer;
  let server: TestServer;

  before(async () => {
    redis = await RedisServer.start();
    server = await startTestServer({ REDIS_URL: redis.url });
  });
  after(async () => {
    await server?.stop();
    await redis?.stop();
  });

  for (const version of ["v1", "v1alpha"] as const) {
    it(`lists the services over reflection ${version}`, async () => {
      const client = reflectionClient(server.address, version);
      const res = await ask(client, { list_services: "" });
      client.close();
      const names = res.list_services_response.service.map((s: { name: string }) => s.name);
      expect(names).to.include.members(["taggedcache.v1.TaggedCache", "grpc.health.v1.Health"]);
    });
  }

  it("describes TaggedCache with its documentation, as grpcurl describe shows it", async () => {
    const client = reflectionClient(server.address, "v1");
    const res = await ask(client, { file_containing_symbol: "taggedcache.v1.TaggedCache" });
    client.close();
    const files = res.file_descriptor_response.file_descriptor_proto.map((b: Buffer) =>
      fromBinary(FileDescriptorProtoSchema, b),
    );
    const file = files.find((f: { name: string }) => f.name === "taggedcache/v1/tagged_cache.proto");
    expect(file.service[0].method.map((m: { name: string }) => m.name)).to.deep.equal([
      "Get", "Set", "Delete", "Invalidate", "InvalidateAll", "GetMany", "Release", "Watch",
    ]);
    const comments = file.sourceCodeInfo.location.map((l: { leadingComments: string }) => l.leadingComments).join("\n");
    expect(comments).to.include("Get reads one entry. A miss is a normal reply");
  });

  it("reports SERVING while Redis answers and NOT_SERVING while it is down", async () => {
    expect(await healthCheck(server.address, "taggedcache.v1.TaggedCache")).to.equal("SERVING");
    expect(await healthCheck(server.address, "")).to.equal("SERVING");
    await redis.kill();
    await new Promise((r) => setTimeout(r, 200));
    expect(await healthCheck(server.address, "taggedcache.v1.TaggedCache")).to.equal("NOT_SERVING");
    await redis.launch();
    const deadline = Date.now() + 5000;
    while ((await healthCheck(server.address, "taggedcache.v1.TaggedCache")) !== "SERVING") {
      expect(Date.now()).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

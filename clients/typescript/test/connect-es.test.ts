import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { expect } from "chai";
import { TaggedCacheClient } from "../src/index.js";
import { TaggedCache } from "../src/proto.js";
import { startTestServer, type TestServer } from "../../../test/helpers/app.js";

/**
 * The exported descriptor is enough for another gRPC library: connect-es
 * calls a real server with it, and sees what the package's client wrote.
 */
describe("the exported proto with connect-es", function () {
  let server: TestServer;
  let ours: TaggedCacheClient;

  before(async () => {
    server = await startTestServer();
    ours = server.client("connect");
  });
  after(async () => server?.stop());

  it("calls Get, Set, Invalidate and the GetMany stream through createClient(TaggedCache, createGrpcTransport(...))", async () => {
    const cache = createClient(TaggedCache, createGrpcTransport({ baseUrl: `http://${server.address}` }));
    await ours.set("mine", new TextEncoder().encode("from the client"), { tags: ["t"] });
    const reply = await cache.get({ namespace: "connect", key: "mine" });
    expect(reply.hit).to.equal(true);
    expect(new TextDecoder().decode(reply.value)).to.equal("from the client");

    expect((await cache.set({ namespace: "connect", key: "theirs", value: new Uint8Array([1, 2]), tags: ["t"] })).stored).to.equal(true);
    expect(await ours.get("theirs")).to.deep.equal(new Uint8Array([1, 2]));

    async function* batches() {
      yield { namespace: "connect", batchId: 1n, items: [{ key: "mine" }, { key: "theirs" }, { key: "none" }] };
    }
    const replies = [];
    for await (const r of cache.getMany(batches())) replies.push(r.results.map((x) => x.hit));
    expect(replies).to.deep.equal([[true, true, false]]);

    await cache.invalidate({ namespace: "connect", tags: ["t"] });
    expect(await ours.has("mine")).to.equal(false);
  });

  it("sees the server's validation errors as ConnectErrors with their gRPC code", async () => {
    const cache = createClient(TaggedCache, createGrpcTransport({ baseUrl: `http://${server.address}` }));
    const err = await cache.get({ key: "" }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConnectError);
    expect((err as ConnectError).code).to.equal(Code.InvalidArgument);
  });
});

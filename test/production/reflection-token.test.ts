import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { rejection, startTestServer, type TestServer } from "../helpers/app.js";
import { listServices } from "../helpers/reflection-client.js";
import { writeTokensFile } from "../helpers/tokens.js";

// Issue 11: with a tokens file loaded, reflection answered without a token.
// REFLECTION_REQUIRES_TOKEN decides, and requires one by default.

const reader = { token: "reflection-test-token", id: "reader", namespaces: ["app"], permissions: ["read"] };

describe("reflection with a tokens file (REFLECTION_REQUIRES_TOKEN)", () => {
  let tokensFile: string;
  let server: TestServer | undefined;

  before(() => {
    tokensFile = writeTokensFile([reader]);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("by default refuses reflection without a known token, and answers with one", async () => {
    server = await startTestServer({ TOKENS_FILE: tokensFile });
    const none = await rejection(listServices(server.address));
    expect(none.code).to.equal(status.UNAUTHENTICATED);
    expect(none.details).to.include("authorization");
    const unknown = await rejection(listServices(server.address, "not-a-token"));
    expect(unknown.code).to.equal(status.UNAUTHENTICATED);
    expect(await listServices(server.address, reader.token)).to.include("taggedcache.v1.TaggedCache");
  });

  it("answers anyone with REFLECTION_REQUIRES_TOKEN=0", async () => {
    server = await startTestServer({ TOKENS_FILE: tokensFile, REFLECTION_REQUIRES_TOKEN: "0" });
    expect(await listServices(server.address)).to.include("taggedcache.v1.TaggedCache");
  });

  it("answers anyone while authentication is off, whatever the setting", async () => {
    server = await startTestServer({ REFLECTION_REQUIRES_TOKEN: "1" });
    expect(await listServices(server.address)).to.include("taggedcache.v1.TaggedCache");
  });
});

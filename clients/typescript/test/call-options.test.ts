import { once } from "node:events";
import { createServer as createHttp2Server, type Http2Server, type ServerHttp2Session } from "node:http2";
import { createServer, type Server as NetServer, type Socket } from "node:net";
import { create } from "@bufbuild/protobuf";
import type { ServerDuplexStream, ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import { expect } from "chai";
import { CancelledError, DeadlineExceededError, TaggedCacheClient, status } from "../src/index.js";
import { GetResponseSchema } from "../src/proto.js";
import { standInServer, type StandIn } from "./stand-in-server.js";

/** A promise and the function that resolves it; the test's timeout bounds the wait. */
function signalled(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((r) => (fire = r));
  return { promise, fire };
}

async function listen(server: NetServer | Http2Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** The error `p` rejects with, and how long that took in ms. */
async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const start = performance.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: performance.now() - start };
  }
  throw new Error("expected the call to fail");
}

describe("client call options: deadlines on silent servers", function () {
  const sockets: Socket[] = [];
  const sessions: ServerHttp2Session[] = [];
  let tcp: NetServer;
  let h2: Http2Server;
  let tcpAddress: string;
  let h2Address: string;

  before(async () => {
    tcp = createServer((s) => sockets.push(s)); // accepts, never answers
    h2 = createHttp2Server(); // speaks HTTP/2, never answers a stream
    h2.on("stream", () => {});
    h2.on("session", (s) => sessions.push(s));
    [tcpAddress, h2Address] = [await listen(tcp), await listen(h2)];
  });
  after(() => {
    for (const s of sockets) s.destroy();
    for (const s of sessions) s.destroy();
    tcp.close();
    h2.close();
  });

  for (const [kind, address] of [["a TCP server", () => tcpAddress], ["an HTTP/2 server", () => h2Address]] as const) {
    it(`ends getMany at the client's default deadline against ${kind} that never answers`, async () => {
      const c = new TaggedCacheClient(address(), { timeoutMs: 400, retry: false });
      try {
        const { err, ms } = await failure(c.getMany(["a", "b"]));
        expect(err).to.be.instanceOf(DeadlineExceededError);
        expect((err as DeadlineExceededError).code).to.equal(status.DEADLINE_EXCEEDED);
        expect(ms).to.be.within(350, 10_000);
      } finally {
        c.close();
      }
    });
  }

  it("ends getManyStream and unary calls at a per-call timeout or deadline", async () => {
    const c = new TaggedCacheClient(h2Address, { timeoutMs: 0 });
    try {
      const stream = c.getManyStream([["a"]], { timeoutMs: "300ms" });
      expect((await failure(stream.next())).err).to.be.instanceOf(DeadlineExceededError);
      const viaDeadline = await failure(c.set("k", new Uint8Array(), { deadline: new Date(Date.now() + 300) }));
      expect(viaDeadline.err).to.be.instanceOf(DeadlineExceededError);
      expect(viaDeadline.ms).to.be.within(250, 10_000);
      expect((await failure(c.invalidate(["t"], { timeoutMs: 300 }))).err).to.be.instanceOf(DeadlineExceededError);
    } finally {
      c.close();
    }
  });
});

describe("client call options: cancellation and metadata reach the server", function () {
  let server: StandIn;
  const seen = { getStarted: signalled(), getCancelled: signalled(), streamData: signalled(), streamCancelled: signalled() };
  const requestIds: unknown[] = [];

  before(async () => {
    server = await standInServer({
      Get: (call: ServerUnaryCall<{ key: string }, unknown>, done: sendUnaryData<unknown>) => {
        requestIds.push(...call.metadata.get("x-request-id"), ...call.metadata.get("authorization"));
        if (call.request.key !== "hang") return done(null, create(GetResponseSchema, { hit: false }));
        call.on("cancelled", seen.getCancelled.fire);
        seen.getStarted.fire();
      },
      GetMany: (call: ServerDuplexStream<unknown, unknown>) => {
        call.on("data", seen.streamData.fire);
        call.on("cancelled", seen.streamCancelled.fire);
      },
    });
  });
  after(() => server.stop());

  it("cancels a unary call in flight with its AbortSignal; the server sees the cancellation", async () => {
    const c = new TaggedCacheClient(server.address, { timeoutMs: 0 });
    try {
      const ac = new AbortController();
      const pending = c.get("hang", { signal: ac.signal });
      await seen.getStarted.promise;
      ac.abort(new Error("the user went away"));
      const { err } = await failure(pending);
      expect(err).to.be.instanceOf(CancelledError);
      expect((err as CancelledError).code).to.equal(status.CANCELLED);
      expect(((err as CancelledError).cause as Error).message).to.equal("the user went away");
      await seen.getCancelled.promise;
    } finally {
      c.close();
    }
  });

  it("cancels a getMany stream with its AbortSignal; the server sees the cancellation", async () => {
    const c = new TaggedCacheClient(server.address, { timeoutMs: 0 });
    try {
      const ac = new AbortController();
      const pending = c.getMany(["a", "b"], { signal: ac.signal });
      await seen.streamData.promise;
      ac.abort();
      expect((await failure(pending)).err).to.be.instanceOf(CancelledError);
      await seen.streamCancelled.promise;
    } finally {
      c.close();
    }
  });

  it("refuses at once a call whose signal has already aborted, sending nothing", async () => {
    const c = new TaggedCacheClient(server.address);
    try {
      const before = requestIds.length;
      const { err, ms } = await failure(c.get("k", { signal: AbortSignal.abort() }));
      expect(err).to.be.instanceOf(CancelledError);
      expect(ms).to.be.below(1000);
      expect(requestIds.length).to.equal(before);
    } finally {
      c.close();
    }
  });

  it("sends the call's metadata beside the client's token", async () => {
    const c = new TaggedCacheClient(server.address, { token: "t0k" });
    try {
      requestIds.length = 0;
      await c.get("k", { metadata: { "x-request-id": "r-1" } });
      expect(requestIds).to.deep.equal(["r-1", "Bearer t0k"]);
    } finally {
      c.close();
    }
  });
});

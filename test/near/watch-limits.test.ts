import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Client, credentials, Metadata, status, type ClientDuplexStream } from "@grpc/grpc-js";
import { expect } from "chai";
import { METHODS } from "../../clients/typescript/src/methods.js";
import {
  WatchEventKind,
  WatchRequestSchema,
  type WatchRequest,
  type WatchResponse,
} from "../../clients/typescript/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { writeTokensFile, type TestToken } from "../helpers/tokens.js";

type Call = ClientDuplexStream<WatchRequest, WatchResponse>;

/** A Watch stream driven by hand: it acknowledges nothing unless told. */
function watch(client: Client, token?: string): { call: Call; events: WatchResponse[]; ended: Promise<{ code: number; details: string }> } {
  const md = new Metadata();
  if (token !== undefined) md.set("authorization", `Bearer ${token}`);
  const m = METHODS.watch;
  const call = client.makeBidiStreamRequest(m.path, m.serialize, m.deserialize, md, {}) as Call;
  const events: WatchResponse[] = [];
  call.on("data", (e: WatchResponse) => events.push(e));
  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    call.on("error", (err: { code: number; details: string }) => resolve(err));
    call.on("status", (s) => resolve(s));
  });
  return { call, events, ended };
}

const send = (call: Call, r: MessageInitShape<typeof WatchRequestSchema>) => call.write(create(WatchRequestSchema, r));

const READER: TestToken = { token: "near-reader-91c2", id: "near", namespaces: ["shop"], permissions: ["read"] };
const WRITER: TestToken = { token: "near-writer-5d0e", id: "ops", namespaces: ["*"], permissions: ["read", "write", "invalidate", "admin"] };

describe("Watch: authorisation and limits", function () {
  this.timeout(30_000);
  let server: TestServer;
  let raw: Client;
  before(async () => {
    server = await startTestServer({
      TOKENS_FILE: writeTokensFile([READER, WRITER]),
      NEAR_MAX_NAMESPACES: "2",
      NEAR_MAX_SUBSCRIBERS_PER_CONNECTION: "1",
      NEAR_MAX_PENDING_EVENTS: "2",
      NEAR_LEASE_MS: "1000",
    });
    raw = new Client(server.address, credentials.createInsecure());
  });
  after(async () => {
    raw?.close();
    await server?.stop();
  });

  it("ends PERMISSION_DENIED when a namespace is not readable by the token", async () => {
    const w = watch(raw, READER.token);
    send(w.call, { subscribe: ["shop", "payroll"], heartbeatId: 1n });
    const end = await w.ended;
    expect(end.code).to.equal(status.PERMISSION_DENIED);
    expect(end.details).to.include("payroll");
  });

  it("ends RESOURCE_EXHAUSTED past NEAR_MAX_NAMESPACES, naming the limit", async () => {
    const w = watch(raw, WRITER.token);
    send(w.call, { subscribe: ["a", "b", "c"], heartbeatId: 1n });
    const end = await w.ended;
    expect(end.code).to.equal(status.RESOURCE_EXHAUSTED);
    expect(end.details).to.include("NEAR_MAX_NAMESPACES");
  });

  it("refuses a second stream on one connection past NEAR_MAX_SUBSCRIBERS_PER_CONNECTION", async () => {
    const first = watch(raw, WRITER.token);
    send(first.call, { subscribe: ["one"], heartbeatId: 1n });
    while (first.events.length === 0) await new Promise((r) => setTimeout(r, 5));
    const second = watch(raw, WRITER.token);
    const end = await second.ended;
    expect(end.code).to.equal(status.RESOURCE_EXHAUSTED);
    expect(end.details).to.include("NEAR_MAX_SUBSCRIBERS_PER_CONNECTION");
    first.call.end();
    await first.ended;
  });

  it("drops a subscriber that leaves more than NEAR_MAX_PENDING_EVENTS unacknowledged; writers wait out its lease", async () => {
    const own = new Client(server.address, credentials.createInsecure());
    try {
      const w = watch(own, WRITER.token);
      send(w.call, { subscribe: ["slow"], heartbeatId: 1n });
      while (w.events.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(w.events[0]!.kind).to.equal(WatchEventKind.HEARTBEAT);
      const writer = server.client("slow", { token: WRITER.token });
      const t0 = performance.now();
      await Promise.all([1, 2, 3].map((i) => writer.invalidate(`t${i}`)));
      expect(performance.now() - t0).to.be.below(1000 + 1500);
      const end = await w.ended;
      expect(end.code).to.equal(status.RESOURCE_EXHAUSTED);
      expect(end.details).to.include("NEAR_MAX_PENDING_EVENTS");
      expect(w.events.filter((e) => e.kind === WatchEventKind.TAGS)).to.have.length(2);
    } finally {
      own.close();
    }
  });

  it("ends Watch streams UNAVAILABLE when the server drains, so they do not hold the drain", async () => {
    const other = await startTestServer({ SHUTDOWN_GRACE_MS: "10000" });
    const c = new Client(other.address, credentials.createInsecure());
    try {
      const w = watch(c);
      send(w.call, { subscribe: ["drain"], heartbeatId: 1n });
      while (w.events.length === 0) await new Promise((r) => setTimeout(r, 5));
      const t0 = performance.now();
      await other.stop();
      expect(performance.now() - t0, "ms to stop").to.be.below(5000);
      expect((await w.ended).code).to.equal(status.UNAVAILABLE);
    } finally {
      c.close();
    }
  });

  it("answers FAILED_PRECONDITION where the near-cache is off", async () => {
    const off = await startTestServer({ NEAR_CACHE: "off" });
    const c = new Client(off.address, credentials.createInsecure());
    try {
      const w = watch(c);
      const end = await w.ended;
      expect(end.code).to.equal(status.FAILED_PRECONDITION);
    } finally {
      c.close();
      await off.stop();
    }
  });
});

import { create, toBinary } from "@bufbuild/protobuf";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import {
  Client,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
} from "@grpc/grpc-js";
import { expect } from "chai";
import { pino } from "pino";
import { startApp, type App } from "../../server/src/app.js";
import { loadConfig } from "../../server/src/config.js";
import { fromBinary } from "@bufbuild/protobuf";
import { GetManyRequestSchema, GetRequestSchema, GetResponseSchema, ReleaseRequestSchema, SetRequestSchema } from "../../server/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { Tracing } from "../../server/src/observability/tracing.js";
import { sharedRedis } from "../helpers/redis-server.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const identity = (b: Buffer): Buffer => b;

describe("tracing: a span per RPC and per store call, W3C trace context honoured", function () {
  this.timeout(30_000);
  const exporter = new InMemorySpanExporter();
  let app: App;
  let client: Client;

  const call = (rpc: string, body: Uint8Array, metadata = new Metadata()) =>
    new Promise<{ code: number; reply?: Buffer }>((resolve) =>
      client.makeUnaryRequest(`/taggedcache.v1.TaggedCache/${rpc}`, identity, identity, Buffer.from(body), metadata, { deadline: Date.now() + 5000 },
        (err, reply) => resolve({ code: err ? err.code : status.OK, reply })),
    );
  const unary = async (rpc: string, body: Uint8Array, metadata = new Metadata()) => (await call(rpc, body, metadata)).code;
  const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);
  const childrenOf = (parent: ReadableSpan) =>
    exporter.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

  before(async () => {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const config = loadConfig([], { HOST: "127.0.0.1", PORT: "0", REDIS_URL: (await sharedRedis()).url, KEY_PREFIX: "tracing" });
    app = await startApp(config, pino({ level: "silent" }), undefined, new Tracing(provider));
    client = new Client(`127.0.0.1:${app.port}`, credentials.createInsecure());
  });
  beforeEach(() => exporter.reset());
  after(async () => {
    client?.close();
    await app?.stop();
  });

  it("continues the caller's trace: the RPC's span is a child of traceparent, the store call a child of the RPC's", async () => {
    const md = new Metadata();
    md.set("traceparent", `00-${TRACE_ID}-${CALLER_SPAN}-01`);
    expect(await unary("Get", toBinary(GetRequestSchema, create(GetRequestSchema, { key: "k" })), md)).to.equal(status.OK);
    const [rpc] = spans("taggedcache.v1.TaggedCache/Get");
    expect(rpc!.kind).to.equal(SpanKind.SERVER);
    expect(rpc!.spanContext().traceId).to.equal(TRACE_ID);
    expect(rpc!.parentSpanContext?.spanId).to.equal(CALLER_SPAN);
    expect(rpc!.attributes).to.include({ "rpc.system": "grpc", "rpc.method": "Get", "rpc.grpc.status_code": 0 });
    const children = childrenOf(rpc!);
    expect(children.map((s) => s.name)).to.deep.equal(["store.get"]);
    expect(children[0]!.spanContext().traceId).to.equal(TRACE_ID);
    expect(children[0]!.attributes["db.system"]).to.equal("redis");
  });

  it("starts a new trace without traceparent, and marks a refused call as an error", async () => {
    const empty = toBinary(SetRequestSchema, create(SetRequestSchema, { key: "" }));
    expect(await unary("Set", empty)).to.equal(status.INVALID_ARGUMENT);
    const [rpc] = spans("taggedcache.v1.TaggedCache/Set");
    expect(rpc!.parentSpanContext).to.equal(undefined);
    expect(rpc!.spanContext().traceId).not.to.equal(TRACE_ID);
    expect(rpc!.attributes["rpc.grpc.status_code"]).to.equal(status.INVALID_ARGUMENT);
    expect(rpc!.status.code).to.equal(SpanStatusCode.ERROR);
    expect(childrenOf(rpc!)).to.have.length(0); // refused before the store
  });

  it("gives the lease calls spans of their own: a leased Get's acquire, a Release", async () => {
    const key = `leased-${Math.random()}`;
    const get = create(GetRequestSchema, { key, lease: { waitMs: 0n } });
    const { code, reply } = await call("Get", toBinary(GetRequestSchema, get));
    expect(code).to.equal(status.OK);
    const token = fromBinary(GetResponseSchema, reply!).leaseToken;
    expect(token.length, "a lease was granted").to.be.greaterThan(0);
    const release = create(ReleaseRequestSchema, { key, leaseToken: token });
    expect(await unary("Release", toBinary(ReleaseRequestSchema, release))).to.equal(status.OK);
    const [rpcGet] = spans("taggedcache.v1.TaggedCache/Get");
    expect(childrenOf(rpcGet!).map((s) => s.name)).to.include("store.leases.acquire");
    const [rpcRelease] = spans("taggedcache.v1.TaggedCache/Release");
    const children = childrenOf(rpcRelease!);
    expect(children.map((s) => s.name)).to.deep.equal(["store.leases.release"]);
    expect(children[0]!.attributes["db.system"]).to.equal("redis");
  });

  it("puts every batch of a GetMany stream under the stream's span", async () => {
    const call = client.makeBidiStreamRequest("/taggedcache.v1.TaggedCache/GetMany", identity, identity, new Metadata());
    const replies: Buffer[] = [];
    call.on("data", (b: Buffer) => replies.push(b));
    const done = new Promise((resolve) => call.on("status", resolve));
    for (let i = 0; i < 3; i++) {
      call.write(Buffer.from(toBinary(GetManyRequestSchema, create(GetManyRequestSchema, { items: [{ key: `k${i}` }], batchId: BigInt(i) }))));
    }
    call.end();
    await done;
    expect(replies).to.have.length(3);
    const [rpc] = spans("taggedcache.v1.TaggedCache/GetMany");
    const storeCalls = spans("store.getMany");
    expect(storeCalls).to.have.length.of.at.least(1);
    for (const s of storeCalls) expect(s.parentSpanContext?.spanId).to.equal(rpc!.spanContext().spanId);
  });
});

describe("tracing exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set", function () {
  this.timeout(30_000);

  it("sends the spans to the collector, flushed at the latest when the server stops", async () => {
    // A collector that keeps the raw Export requests it receives.
    const exports: Buffer[] = [];
    const collector = new Server();
    collector.register(
      "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
      (call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => {
        exports.push(call.request);
        done(null, Buffer.alloc(0));
      },
      identity,
      identity,
      "unary",
    );
    const port = await new Promise<number>((resolve, reject) =>
      collector.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    try {
      const config = loadConfig([], { HOST: "127.0.0.1", PORT: "0", OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
      const app = await startApp(config, pino({ level: "silent" }));
      const c = new Client(`127.0.0.1:${app.port}`, credentials.createInsecure());
      const body = Buffer.from(toBinary(GetRequestSchema, create(GetRequestSchema, { key: "k" })));
      await new Promise((resolve) =>
        c.makeUnaryRequest("/taggedcache.v1.TaggedCache/Get", identity, identity, body, new Metadata(), resolve),
      );
      c.close();
      await app.stop();
      const sent = Buffer.concat(exports).toString("latin1");
      expect(sent).to.include("taggedcache.v1.TaggedCache/Get");
      expect(sent).to.include("store.get");
    } finally {
      collector.forceShutdown();
    }
  });
});

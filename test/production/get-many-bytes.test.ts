import { create, toBinary } from "@bufbuild/protobuf";
import { expect } from "chai";
import { connect } from "node:http2";
import { GetManyRequestSchema } from "../../server/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { sample, scrape } from "../helpers/scrape.js";

const VALUE_BYTES = 50_000;

/** Batches the server has read from GetMany streams so far. */
async function batchesRead(server: TestServer): Promise<number> {
  const samples = await scrape(server.app.metricsPort!);
  return samples.filter((s) => s.name === "taggedcache_getmany_batches_total").reduce((n, s) => n + s.value, 0);
}

/** Waits until the count stops moving for `quietMs`, and returns it. */
async function settled(server: TestServer, quietMs = 700): Promise<number> {
  let last = -1;
  let now = await batchesRead(server);
  while (now !== last) {
    last = now;
    await sleep(quietMs);
    now = await batchesRead(server);
  }
  return now;
}

/**
 * Opens a GetMany stream over plain HTTP/2 that sends `messages` requests for
 * `key` and never reads a reply, so the server's flow-control window closes
 * (a gRPC client library would read them into its own buffer).
 */
function deafStream(server: TestServer, key: string, messages: number): () => void {
  const session = connect(`http://${server.address}`);
  session.on("error", () => {});
  const stream = session.request({
    ":method": "POST",
    ":path": "/taggedcache.v1.TaggedCache/GetMany",
    "content-type": "application/grpc",
    te: "trailers",
  });
  stream.on("error", () => {});
  stream.pause();
  const body = toBinary(GetManyRequestSchema, create(GetManyRequestSchema, { namespace: "bytes", items: [{ key }] }));
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, 5);
  for (let i = 0; i < messages; i++) stream.write(frame);
  return () => {
    stream.destroy();
    session.destroy();
  };
}

async function batchesReadBy(maxBytesInFlight: number): Promise<number> {
  const server = await startTestServer({ METRICS_PORT: "0", MAX_BATCHES_IN_FLIGHT: "2", MAX_BYTES_IN_FLIGHT: String(maxBytesInFlight) });
  try {
    await server.client("bytes").set("big", new Uint8Array(VALUE_BYTES));
    const stop = deafStream(server, "big", 400);
    try {
      return await settled(server);
    } finally {
      stop();
    }
  } finally {
    await server.stop();
  }
}

describe("MAX_BYTES_IN_FLIGHT", function () {
  this.timeout(60_000);

  it("stops reading a GetMany stream whose client does not take the values it was sent", async () => {
    const bounded = await batchesReadBy(2 * VALUE_BYTES);
    const unbounded = await batchesReadBy(1_000_000_000);
    console.log(`      batches read from a stream that reads nothing: ${bounded} bounded, ${unbounded} unbounded`);
    // Two replies of 50 KB reach the budget; without it, only the transport's
    // own buffer of 16 messages stops the server.
    expect(bounded).to.be.at.most(4);
    expect(unbounded).to.be.at.least(10);
  });
});

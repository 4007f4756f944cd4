import { create } from "@bufbuild/protobuf";
import { Client, credentials, Metadata, type ClientDuplexStream } from "@grpc/grpc-js";
import {
  GetManyRequestSchema,
  type GetManyRequest,
  type GetManyResponse,
} from "../../clients/typescript/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { METHODS } from "../../clients/typescript/src/methods.js";
import type { Redis } from "ioredis";

/** Keys looked up and how long it took. */
export interface BulkRun {
  readonly keys: number;
  readonly hits: number;
  readonly ms: number;
}

/** `messages` batches of `batch` keys, cycling over `key(0..entries-1)`. */
export function batchesOf(messages: number, batch: number, entries: number, key: (i: number) => string): string[][] {
  const out: string[][] = [];
  let k = 0;
  for (let m = 0; m < messages; m++) {
    const keys = new Array<string>(batch);
    for (let j = 0; j < batch; j++) keys[j] = key(k++ % entries);
    out.push(keys);
  }
  return out;
}

/**
 * Sends the batches over one GetMany stream with the client's generated
 * messages and (de)serializers, keeping `inFlight` messages unanswered.
 */
export function runGetMany(client: Client, namespace: string, batches: string[][], inFlight: number): Promise<BulkRun> {
  const requests: GetManyRequest[] = batches.map((keys, b) =>
    create(GetManyRequestSchema, { namespace, batchId: BigInt(b), items: keys.map((key) => ({ key })) }),
  );
  const call = client.makeBidiStreamRequest(
    METHODS.getMany.path,
    METHODS.getMany.serialize,
    METHODS.getMany.deserialize,
    new Metadata(),
  ) as ClientDuplexStream<GetManyRequest, GetManyResponse>;
  let sent = 0;
  let received = 0;
  let keys = 0;
  let hits = 0;
  let ended = false;
  const start = performance.now();
  const pump = () => {
    while (sent < requests.length && sent - received < inFlight) call.write(requests[sent++]!);
    if (sent === requests.length && !ended) {
      ended = true;
      call.end();
    }
  };
  return new Promise((resolve, reject) => {
    call.on("data", (res: GetManyResponse) => {
      received++;
      keys += res.results.length;
      for (const r of res.results) if (r.hit) hits++;
      pump();
    });
    call.on("error", reject);
    call.on("end", () => resolve({ keys, hits, ms: performance.now() - start }));
    pump();
  });
}

/** The baseline: plain pipelined GETs of the same keys, `inFlight` pipelines at a time. */
export async function runPipelinedGet(redis: Redis, batches: string[][], inFlight: number): Promise<BulkRun> {
  let next = 0;
  let keys = 0;
  let hits = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const p = redis.pipeline();
      for (const k of batch) p.getBuffer(k);
      const replies = (await p.exec())!;
      keys += replies.length;
      for (const [err, v] of replies) if (err === null && v !== null) hits++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { keys, hits, ms: performance.now() - start };
}

/** A grpc-js client of `address` for the stream. */
export function grpcClient(address: string): Client {
  return new Client(address, credentials.createInsecure(), {});
}

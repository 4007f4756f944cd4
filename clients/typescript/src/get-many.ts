import { once } from "node:events";
import { create } from "@bufbuild/protobuf";
import type { ClientDuplexStream } from "@grpc/grpc-js";
import {
  GetManyRequestSchema,
  type GetManyRequest,
  type GetManyResponse,
  type GetResponse,
} from "./gen/taggedcache/v1/tagged_cache_pb.js";
import type { Entry, Lookup } from "./types.js";

/** Batches of lookups, given at once or as they come. */
export type Batches = Iterable<(string | Lookup)[]> | AsyncIterable<(string | Lookup)[]>;

type Call = ClientDuplexStream<GetManyRequest, GetManyResponse>;

/** What every message of a stream shares: its namespace and grace (ms; absent: none). */
export interface BatchScope {
  readonly namespace: string;
  readonly graceMs: bigint | undefined;
}

/**
 * Yields one array of results per batch sent on `call`, in order; a failure
 * of the stream is thrown as `fail` makes it. Leaving early cancels the call.
 */
export async function* getManyStream(
  call: Call,
  scope: BatchScope,
  batches: Batches,
  toEntry: (r: GetResponse) => Entry | undefined,
  fail: (err: unknown) => Error,
): AsyncGenerator<(Entry | undefined)[]> {
  const writing = writeBatches(call, scope, batches);
  try {
    for await (const res of call as AsyncIterable<GetManyResponse>) {
      yield res.results.map(toEntry);
    }
  } catch (err) {
    throw fail(err);
  } finally {
    call.cancel();
  }
  await writing;
}

/** What a disabled client answers: a miss for every lookup of every batch. */
export async function* allMisses(batches: Batches): AsyncGenerator<(Entry | undefined)[]> {
  for await (const batch of batches) yield batch.map(() => undefined);
}

/** Looks up `lookups` in batches of `batchSize`; the Map holds the hits only. */
export async function collectHits(
  lookups: readonly (string | Lookup)[],
  batchSize: number,
  stream: (batches: (string | Lookup)[][]) => AsyncIterable<(Entry | undefined)[]>,
): Promise<Map<string, Entry>> {
  const batches: (string | Lookup)[][] = [];
  for (let i = 0; i < lookups.length; i += batchSize) batches.push(lookups.slice(i, i + batchSize));
  const hits = new Map<string, Entry>();
  let b = 0;
  for await (const results of stream(batches)) {
    const batch = batches[b++]!;
    results.forEach((entry, i) => {
      const l = batch[i]!;
      if (entry !== undefined) hits.set(typeof l === "string" ? l : l.key, entry);
    });
  }
  return hits;
}

// Sent as fast as the stream accepts them.
async function writeBatches(call: Call, { namespace, graceMs }: BatchScope, batches: Batches): Promise<void> {
  let id = 0n;
  try {
    for await (const batch of batches) {
      const items = batch.map((l) => (typeof l === "string" ? { key: l } : { key: l.key, tags: [...(l.tags ?? [])] }));
      const msg = create(GetManyRequestSchema, { namespace, items, batchId: id++, graceMs });
      if (!call.write(msg)) await once(call, "drain");
    }
    call.end();
  } catch {
    // The reading side reports the stream's failure.
    call.cancel();
  }
}

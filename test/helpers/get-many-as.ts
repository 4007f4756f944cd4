import { create } from "@bufbuild/protobuf";
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  GetManyRequestSchema,
  type GetManyResponse,
} from "../../clients/typescript/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { METHODS } from "../../clients/typescript/src/methods.js";

/** One GetMany message: a namespace of its own and the keys to look up. */
export interface NamespacedBatch {
  readonly namespace: string;
  readonly keys: readonly string[];
}

/**
 * Sends one GetMany stream as `token`, each message naming its own namespace
 * (which the typed client never does), message i with batch_id i. Resolves
 * with the replies received and the error the stream ended with, if any.
 */
export async function getManyAs(
  address: string,
  token: string,
  batches: readonly NamespacedBatch[],
): Promise<{ replies: GetManyResponse[]; error: ServiceError | undefined }> {
  const client = new Client(address, credentials.createInsecure());
  const md = new Metadata();
  md.set("authorization", `Bearer ${token}`);
  const m = METHODS.getMany;
  const call = client.makeBidiStreamRequest(m.path, m.serialize, m.deserialize, md);
  batches.forEach(({ namespace, keys }, i) =>
    call.write(create(GetManyRequestSchema, { namespace, items: keys.map((key) => ({ key })), batchId: BigInt(i) })),
  );
  call.end();
  const replies: GetManyResponse[] = [];
  let error: ServiceError | undefined;
  try {
    for await (const reply of call) replies.push(reply as GetManyResponse);
  } catch (err) {
    error = err as ServiceError;
  } finally {
    client.close();
  }
  return { replies, error };
}

import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { Server, ServerCredentials, type MethodDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { TaggedCache } from "../src/proto.js";

/** A grpc-js server on a free port, and how to stop it. */
export interface StandIn {
  readonly address: string;
  stop(): void;
}

/**
 * A stand-in TaggedCache server whose handlers the test writes (keyed by the
 * proto method name: `Get`, `GetMany`, ...), built from the client's own
 * generated descriptor, so client behaviour can be scripted call by call.
 */
export async function standInServer(handlers: UntypedServiceImplementation): Promise<StandIn> {
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const m of TaggedCache.methods) {
    def[m.name] = {
      path: `/${TaggedCache.typeName}/${m.name}`,
      requestStream: m.methodKind === "bidi_streaming",
      responseStream: m.methodKind === "bidi_streaming",
      requestSerialize: (msg) => Buffer.from(toBinary(m.input, msg as never)),
      requestDeserialize: (bytes) => fromBinary(m.input, bytes),
      responseSerialize: (msg) => Buffer.from(toBinary(m.output, msg as never)),
      responseDeserialize: (bytes) => fromBinary(m.output, bytes),
    };
  }
  const server = new Server();
  server.addService(def, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

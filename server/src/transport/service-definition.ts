import { fromBinary, toBinary, type DescMessage, type DescService } from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { invalidUtf8Field } from "./invalid-utf8.js";
import { REPLY_ENCODERS } from "./reply-encoding.js";
import { decodeWatchAck, serializeWatchResponse } from "./watch-codec.js";

/**
 * Stands in for a request whose bytes are not a valid message, so the handler
 * can answer INVALID_ARGUMENT instead of grpc-js's generic INTERNAL.
 */
export class Undecodable {
  constructor(readonly reason: string) {}
}

// grpc-js calls Buffer methods on what a serializer returns; wrapping the
// encoded bytes costs no copy.
function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

function decoder(schema: DescMessage) {
  return (bytes: Buffer) => {
    try {
      return fromBinary(schema, bytes);
    } catch (err) {
      const field = invalidUtf8Field(schema, bytes);
      if (field !== undefined) return new Undecodable(`${field}: must be valid UTF-8`);
      return new Undecodable(err instanceof Error ? err.message : String(err));
    }
  };
}

// Watch's acknowledgements and heartbeats are read by hand (watch-codec.ts).
function watchDecoder(generic: (bytes: Buffer) => unknown) {
  return (bytes: Buffer) => decodeWatchAck(bytes) ?? generic(bytes);
}

/**
 * Builds a grpc-js service definition from a protobuf-es service descriptor:
 * one method per RPC, keyed by its proto name (`Get`, `GetMany`, ...).
 * Replies on the read path use the hand-written encoders of reply-encoding.ts;
 * Watch's change events arrive already encoded, and its acknowledgements are
 * decoded by hand (watch-codec.ts).
 */
export function serviceDefinition(service: DescService): ServiceDefinition {
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    const kind = method.methodKind;
    def[method.name] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: kind === "client_streaming" || kind === "bidi_streaming",
      responseStream: kind === "server_streaming" || kind === "bidi_streaming",
      requestSerialize: (msg: unknown) => asBuffer(toBinary(method.input, msg as never)),
      requestDeserialize: method.name === "Watch" ? watchDecoder(decoder(method.input)) : decoder(method.input),
      responseSerialize:
        REPLY_ENCODERS.get(method.output.typeName) ??
        (method.name === "Watch" ? (serializeWatchResponse as (msg: unknown) => Buffer) : undefined) ??
        ((msg: unknown) => asBuffer(toBinary(method.output, msg as never))),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    };
  }
  return def;
}

import { create, fromBinary, toBinary, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import { TaggedCache } from "./gen/taggedcache/v1/tagged_cache_pb.js";
import { REPLY_DECODERS } from "./reply-decoding.js";
import { WATCH_DECODERS, WATCH_ENCODERS } from "./watch-codec.js";

/** How to call one RPC with grpc-js: its path and (de)serializers. */
export interface Method {
  readonly path: string;
  readonly serialize: (msg: unknown) => Buffer;
  readonly deserialize: (bytes: Buffer) => unknown;
  /** The reply with every field at its default: what a disabled client answers. */
  readonly empty: () => unknown;
}

function encoder(schema: DescMessage) {
  return (msg: unknown) => {
    const u8 = toBinary(schema, msg as never);
    return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
  };
}

function method(m: DescMethod): Method {
  return {
    path: `/${TaggedCache.typeName}/${m.name}`,
    serialize: WATCH_ENCODERS.get(m.input.typeName) ?? encoder(m.input),
    // The read path's replies and Watch events are decoded by hand (reply-decoding.ts, watch-codec.ts).
    deserialize:
      REPLY_DECODERS.get(m.output.typeName) ?? WATCH_DECODERS.get(m.output.typeName) ?? ((bytes) => fromBinary(m.output, bytes)),
    empty: () => create(m.output),
  };
}

/** The service's RPCs, from the generated descriptor. */
export const METHODS = {
  get: method(TaggedCache.method.get),
  set: method(TaggedCache.method.set),
  delete: method(TaggedCache.method.delete),
  invalidate: method(TaggedCache.method.invalidate),
  invalidateAll: method(TaggedCache.method.invalidateAll),
  getMany: method(TaggedCache.method.getMany),
  release: method(TaggedCache.method.release),
  watch: method(TaggedCache.method.watch),
} as const;

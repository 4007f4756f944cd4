export { TaggedCacheClient } from "./client.js";
export type { ClientOptions, KeepaliveOptions } from "./options.js";
export type {
  Entry,
  GetOptions,
  GetValueOptions,
  LeaseOption,
  Lookup,
  ReadOptions,
  ReadResult,
  SetOptions,
  SetValueOptions,
} from "./types.js";
export type { Batches } from "./get-many.js";
export { TaggedCacheError } from "./errors.js";
export { defaultKey, type Cached, type CachedOptions } from "./cached.js";
export type { MethodDecorator } from "./decorator.js";
export type { CacheInfo, Hooks, Logger } from "./hooks.js";
export type { RetryOptions } from "./retry.js";
export { bytesSerializer, jsonSerializer, stringSerializer, type Serializer } from "./serializers.js";
export { credentials } from "@grpc/grpc-js";

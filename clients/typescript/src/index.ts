/**
 * The TypeScript client of TaggedCache. Start with TaggedCacheClient; the
 * generated message schemas and service descriptor are in
 * `@taggedcache/client/proto`.
 *
 * @module
 */
export { TaggedCacheClient, type GetManyOptions } from "./client.js";
export type { CallOptions } from "./call-options.js";
export type { ClientOptions, KeepaliveOptions } from "./options.js";
export type { Duration } from "./duration.js";
export type {
  Entry,
  GetOptions,
  GetValueOptions,
  LeaseOption,
  Lookup,
  ReadOptions,
  ReadResult,
  SetManyItem,
  SetOptions,
  SetValueOptions,
} from "./types.js";
export type { Batches } from "./get-many.js";
export {
  CancelledError,
  DeadlineExceededError,
  InvalidArgumentError,
  PermissionDeniedError,
  ResourceExhaustedError,
  TaggedCacheError,
  UnauthenticatedError,
  UnavailableError,
  status,
} from "./errors.js";
export type { GetOrSetOptions, StoreOptions } from "./get-or-set.js";
export { FactoryTimeoutError } from "./factory-timeouts.js";
export { defaultKey, type Cached, type CachedOptions } from "./cached.js";
export type { MethodDecorator } from "./decorator.js";
export type { CacheInfo, Hooks, Logger } from "./hooks.js";
export type { RetryOptions } from "./retry.js";
export type { NearCacheEvent, NearCacheStats } from "./near-cache.js";
export type { NearCacheOptions } from "./options.js";
export { bytesSerializer, jsonSerializer, stringSerializer, type Serializer } from "./serializers.js";
export { credentials, Metadata } from "@grpc/grpc-js";

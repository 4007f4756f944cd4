export { TaggedCacheClient } from "./client.js";
export type { ClientOptions, Entry, Lookup, SetOptions } from "./client.js";
export { TaggedCacheError } from "./errors.js";

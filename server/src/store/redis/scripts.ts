import { readFileSync } from "node:fs";
import type { Cluster, Redis, Result } from "ioredis";

/**
 * The Lua scripts, one file per command under ./lua, registered with
 * defineCommand: ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT,
 * so a restarted Redis needs nothing from us. Every script takes its key
 * count as the first argument. The tcReadEntries, tcEnsureVersions,
 * tcDeleteStale, tcLeaseEntry, tcCheckVersions, tcStoreEntry and tcReadVersions scripts
 * serve Redis Cluster, where an entry and its versions
 * sit in different slots; tcEnsureVersions also creates the versions a
 * refused version token lacked, in both modes.
 */
const SCRIPTS = {
  tcGet: "get.lua",
  tcSet: "set.lua",
  tcInvalidate: "invalidate.lua",
  tcRelease: "release.lua",
  tcReadEntries: "read-entries.lua",
  tcEnsureVersions: "ensure-versions.lua",
  tcDeleteStale: "delete-stale.lua",
  tcLeaseEntry: "lease-entry.lua",
  tcStoreEntry: "store-entry.lua",
  tcReadVersions: "read-versions.lua",
  tcNearRegister: "near-register.lua",
  tcNearPublish: "near-publish.lua",
  tcNearEvict: "near-evict.lua",
} as const;

/** Helpers under lua/lib, prepended to the scripts that call them. */
const LIBS: Record<string, readonly string[]> = {
  "get.lua": ["lib/entry-format.lua", "lib/entry-grace.lua"],
  "set.lua": ["lib/current-version.lua", "lib/entry-format.lua"],
  "ensure-versions.lua": ["lib/current-version.lua"],
  "lease.lua": ["lib/current-version.lua"],
  "set-guarded.lua": ["lib/version-still.lua", "lib/end-lease.lua"],
  "check-versions.lua": ["lib/version-still.lua"],
  "store-entry.lua": ["lib/end-lease.lua"],
  "read-versions.lua": ["lib/entry-format.lua"],
};

/**
 * Scripts that build on another: the inner script's body is compiled in as a
 * local function taking KEYS and ARGV, so lease.lua checks entries exactly as
 * get.lua does and set-guarded.lua writes them exactly as set.lua does, with
 * one source for each and one atomic script per call.
 */
const COMPOSED = {
  tcLease: { inner: "get.lua", as: "get", outer: "lease.lua" },
  tcGetGrace: { inner: "get.lua", as: "get", outer: "get-grace.lua" },
  tcSetGuarded: { inner: "set.lua", as: "store", outer: "set-guarded.lua" },
  tcCheckVersions: { inner: "ensure-versions.lua", as: "ensure", outer: "check-versions.lua" },
} as const;

type Arg = string | Buffer | number;

declare module "ioredis" {
  interface RedisCommander<Context> {
    tcGetBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcGetGraceBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcSet(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcInvalidate(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcRelease(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcLeaseBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcSetGuarded(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcReadEntriesBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcEnsureVersionsBuffer(numKeys: number, ...args: Arg[]): Result<Buffer[], Context>;
    tcDeleteStale(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcLeaseEntryBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcReadVersionsBuffer(numKeys: number, ...args: Arg[]): Result<(Buffer | null)[], Context>;
    tcStoreEntry(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcCheckVersionsBuffer(numKeys: number, ...args: Arg[]): Result<Buffer[] | number, Context>;
    tcNearRegister(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcNearPublish(numKeys: number, ...args: Arg[]): Result<(number | string)[], Context>;
    tcNearEvict(numKeys: number, ...args: Arg[]): Result<[number, string], Context>;
  }
}

/** Reads a script's source from the lua folder beside this module. */
export function scriptSource(file: string): string {
  return readFileSync(new URL(`./lua/${file}`, import.meta.url), "utf8");
}

/** The helpers a script calls, to stand before it (or before its wrapper). */
function libsOf(file: string): string {
  return (LIBS[file] ?? []).map((lib) => `${scriptSource(lib)}\n`).join("");
}

/** The source of a composed script: the inner body as a function, then the outer. */
export function composedSource(c: { inner: string; as: string; outer: string }): string {
  return `${libsOf(c.inner)}${libsOf(c.outer)}local function ${c.as}(KEYS, ARGV)\n${scriptSource(c.inner)}\nend\n${scriptSource(c.outer)}`;
}

/** Registers every script as a command on the connection or cluster. */
export function defineScripts(redis: Redis | Cluster): void {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { lua: libsOf(file) + scriptSource(file) });
  }
  for (const [name, c] of Object.entries(COMPOSED)) {
    redis.defineCommand(name, { lua: composedSource(c) });
  }
}

import { readFileSync } from "node:fs";
import type { Cluster, Redis, Result } from "ioredis";

/**
 * The Lua scripts, one file per command under ./lua, registered with
 * defineCommand: ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT,
 * so a restarted Redis needs nothing from us. Every script takes its key
 * count as the first argument. Helpers under lua/lib are prepended to the
 * scripts that use them. The tcRead*, tcEnsure* and tcDeleteStale scripts
 * serve Redis Cluster, where an entry and its versions sit in different slots.
 */
const VERSION_LIB = "lib/current-version.lua";
const SCRIPTS = {
  tcGet: ["get.lua"],
  tcSet: [VERSION_LIB, "set.lua"],
  tcInvalidate: ["invalidate.lua"],
  tcReadEntries: ["read-entries.lua"],
  tcEnsureVersions: [VERSION_LIB, "ensure-versions.lua"],
  tcDeleteStale: ["delete-stale.lua"],
} as const;

type Arg = string | Buffer | number;

declare module "ioredis" {
  interface RedisCommander<Context> {
    tcGet(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcGetBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcSet(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcInvalidate(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcReadEntriesBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcEnsureVersionsBuffer(numKeys: number, ...args: Arg[]): Result<Buffer[], Context>;
    tcDeleteStale(numKeys: number, ...args: Arg[]): Result<number, Context>;
  }
}

/** Reads a script's source from the lua folder beside this module. */
export function scriptSource(file: string): string {
  return readFileSync(new URL(`./lua/${file}`, import.meta.url), "utf8");
}

/** Registers every script as a command on the connection or cluster. */
export function defineScripts(redis: Redis | Cluster): void {
  for (const [name, files] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { lua: files.map(scriptSource).join("\n") });
  }
}

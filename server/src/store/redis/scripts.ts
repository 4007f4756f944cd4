import { readFileSync } from "node:fs";
import type { Redis, Result } from "ioredis";

/**
 * The Lua scripts, one file per command under ./lua, registered with
 * defineCommand: ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT,
 * so a restarted Redis needs nothing from us. Every script takes its key
 * count as the first argument.
 */
const SCRIPTS = {
  tcGet: "get.lua",
  tcSet: "set.lua",
  tcInvalidate: "invalidate.lua",
} as const;

type Arg = string | Buffer | number;

declare module "ioredis" {
  interface RedisCommander<Context> {
    tcGet(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcGetBuffer(numKeys: number, ...args: Arg[]): Result<unknown[], Context>;
    tcSet(numKeys: number, ...args: Arg[]): Result<number, Context>;
    tcInvalidate(numKeys: number, ...args: Arg[]): Result<number, Context>;
  }
}

/** Reads a script's source from the lua folder beside this module. */
export function scriptSource(file: string): string {
  return readFileSync(new URL(`./lua/${file}`, import.meta.url), "utf8");
}

/** Registers every script as a command on the connection. */
export function defineScripts(redis: Redis): void {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { lua: scriptSource(file) });
  }
}

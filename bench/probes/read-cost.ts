import type { Redis } from "ioredis";
import { KeyScheme } from "../../server/src/store/keys.js";
import { defineScripts } from "../../server/src/store/redis/scripts.js";
import { RedisServer } from "../../test/helpers/redis-server.js";
import { keyOf, NAMESPACE, tagsOf } from "../lib/data.js";
import { fill, openStore } from "../lib/fill.js";

// Redis CPU per key of the reads a GetMany chunk can make, in one process
// against a Redis of its own: `node --import tsx bench/probes/read-cost.ts`.
// Entries of P4's shape; 100-key batches, 16 in flight. Each variant's
// figure is Redis's used_cpu (user + sys) over the keys read, and the
// variants alternate, ROUNDS times, so load drifts hit them alike.
const ENTRIES = 20_000;
const BATCH = 100;
const IN_FLIGHT = 16;
const KEYS_PER_RUN = 100_000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

// read-entries.lua's loop without the PTTL: what an entry recording its own
// expiry would leave.
const GET_ONLY = `local out = {}
for i = 1, #KEYS do
  local raw = redis.pcall('GET', KEYS[i])
  if type(raw) == 'string' then out[2 * i - 1] = raw; out[2 * i] = 0 else out[2 * i - 1] = 0; out[2 * i] = 0 end
end
return out`;

async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(info.match(new RegExp(`^${name}:([\\d.]+)`, "m"))?.[1] ?? 0);
  return (field("used_cpu_user") + field("used_cpu_sys")) * 1e6;
}

async function perKey(redis: Redis, read: (keys: string[]) => Promise<unknown>): Promise<number> {
  const prefix = new KeyScheme("tc").forNamespace(NAMESPACE).entryPrefix;
  let next = 0;
  const before = await redisCpuUs(redis);
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < KEYS_PER_RUN) {
        const from = next;
        next += BATCH;
        await read(Array.from({ length: BATCH }, (_, i) => prefix + keyOf((from + i) % ENTRIES)));
      }
    }),
  );
  return ((await redisCpuUs(redis)) - before) / KEYS_PER_RUN;
}

async function main(): Promise<void> {
  const server = await RedisServer.start(["--maxmemory", "0"]);
  const store = await openStore(server.url);
  const redis = server.connect();
  try {
    await fill(store, ENTRIES, keyOf, tagsOf);
    defineScripts(redis);
    const getOnly = (await redis.script("LOAD", GET_ONLY)) as string;
    const variants: [string, (keys: string[]) => Promise<unknown>][] = [
      ["read-entries.lua (GET + PTTL per key, flat)", (keys) => redis.tcReadEntriesBuffer(keys.length, ...keys)],
      ["the same without PTTL", (keys) => redis.callBuffer("EVALSHA", getOnly, keys.length, ...keys)],
      ["plain MGET", (keys) => redis.mgetBuffer(...keys)],
    ];
    const figures = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, read] of variants) figures.get(name)!.push(await perKey(redis, read));
    }
    for (const [name, us] of figures) console.log(`${name}: ${us.map((u) => u.toFixed(2)).join(" / ")} µs per key`);
  } finally {
    redis.disconnect();
    await store.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

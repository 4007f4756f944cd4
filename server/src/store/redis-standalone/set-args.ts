import type { NamespaceKeys } from "../keys.js";
import type { RandomVersions } from "../redis/random-versions.js";
import { asBuffer } from "../redis/script-args.js";

/** set.lua's KEYS and ARGV for one entry (see its header). */
export interface SetArgs {
  readonly numKeys: number;
  readonly keys: string[];
  readonly argv: (string | number | Buffer)[];
}

/** How long an entry is current, and kept past that to be served stale, in ms. */
export interface EntryLifetime {
  readonly lifetimeMs: number;
  readonly graceMs: number;
}

/** Builds set.lua's arguments; shared by the plain and the guarded Set. */
export function setArgs(
  ns: NamespaceKeys,
  key: string,
  value: Uint8Array,
  tags: readonly string[],
  lifetime: EntryLifetime,
  tagLifetimeMs: number,
  versions: RandomVersions,
): SetArgs {
  const n = tags.length;
  const keys: string[] = new Array(2 + n);
  keys[0] = ns.entryPrefix + key;
  keys[1] = ns.allKey;
  for (let i = 0; i < n; i++) keys[2 + i] = ns.tagPrefix + tags[i];
  const argv: (string | number | Buffer)[] = new Array(4 + 2 * n);
  let a = 0;
  argv[a++] = lifetime.lifetimeMs;
  argv[a++] = tagLifetimeMs;
  argv[a++] = asBuffer(value);
  for (let i = 0; i < n; i++) argv[a++] = tags[i]!;
  for (let i = 0; i <= n; i++) argv[a++] = versions.take();
  if (lifetime.graceMs > 0) argv[a++] = lifetime.graceMs;
  return { numKeys: 2 + n, keys, argv };
}

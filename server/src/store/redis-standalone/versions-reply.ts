import type { Versions } from "../../core/lookup.js";
import { VERSION_BYTES } from "../redis/entry-codec.js";

/**
 * Reads the versions get.lua reports on a miss: the namespace's, then each
 * requested tag's, each as a length byte and its bytes (0: none).
 */
export function versionsSeen(raw: Buffer, tags: readonly string[]): Versions {
  let pos = 0;
  const next = (): Uint8Array | undefined => {
    const len = raw[pos] ?? 0;
    pos += 1 + len;
    return len === 0 ? undefined : raw.subarray(pos - len, pos);
  };
  const ns = next();
  const tagVersions = tags.map(next);
  return { ns, tags, tagVersions };
}

/** Reads lease.lua's versions: the namespace's then each tag's, 8 bytes each. */
export function versionsCreated(raw: Buffer, tags: readonly string[]): Versions {
  const at = (i: number) => raw.subarray(i * VERSION_BYTES, (i + 1) * VERSION_BYTES);
  return { ns: at(0), tags, tagVersions: tags.map((_, i) => at(i + 1)) };
}

import calculateSlot from "cluster-key-slot";
import type { KeyScheme } from "../keys.js";

const SLOTS = 16384;
let table: string[] | undefined;

/**
 * A short hash tag for every slot: `{` + slotTag(s) + `}` placed before any
 * other brace in a key puts the key in slot s. Built once, on first use, by
 * counting in base 36 until every slot has a tag (about 170,000 hashes, a
 * few tens of ms).
 */
export function slotTag(slot: number): string {
  if (table === undefined) {
    const t = new Array<string>(SLOTS);
    let left = SLOTS;
    for (let i = 0; left > 0; i++) {
      const tag = i.toString(36);
      const s = calculateSlot(tag);
      if (t[s] === undefined) {
        t[s] = tag;
        left--;
      }
    }
    table = t;
  }
  return table[slot]!;
}

/**
 * The lease key of an entry on Redis Cluster: the standalone lease key's
 * parts, with a hash tag that puts it in the slot of `entryKey`, so one
 * script can read the entry and take its lease.
 */
export function clusterLeaseKey(keys: KeyScheme, namespace: string, key: string, entryKey: string): string {
  return keys.leaseKeyIn(slotTag(calculateSlot(entryKey)), namespace, key);
}

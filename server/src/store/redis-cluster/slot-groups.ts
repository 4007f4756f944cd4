import calculateSlot from "cluster-key-slot";
import type { Cluster } from "ioredis";

/**
 * Groups key indexes by hash slot, and the slots by the nodes serving them
 * (as the cluster's slot map last said): one inner array per slot, one outer
 * array per node, so each node gets one pipeline and each command keys of one
 * slot. If slots move meanwhile, the pipeline fails and the call with it,
 * as unavailable; the slot map is refreshed for the next call.
 */
export function groupBySlotAndNode(cluster: Cluster, keys: readonly string[]): Iterable<number[][]> {
  const bySlot = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const slot = calculateSlot(keys[i]!);
    const group = bySlot.get(slot);
    if (group === undefined) bySlot.set(slot, [i]);
    else group.push(i);
  }
  const byNode = new Map<string, number[][]>();
  for (const [slot, group] of bySlot) {
    const node = cluster.slots[slot]?.join(",") ?? "";
    const slots = byNode.get(node);
    if (slots === undefined) byNode.set(node, [group]);
    else slots.push(group);
  }
  return byNode.values();
}

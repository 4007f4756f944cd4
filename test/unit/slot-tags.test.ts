import calculateSlot from "cluster-key-slot";
import { expect } from "chai";
import { KeyScheme } from "../../server/src/store/keys.js";
import { clusterLeaseKey, slotTag } from "../../server/src/store/redis-cluster/slot-tags.js";

describe("cluster lease keys", () => {
  it("have a tag for every slot", () => {
    for (const slot of [0, 1, 8191, 16383]) expect(calculateSlot(slotTag(slot))).to.equal(slot);
  });

  it("sit in their entry's slot, whatever braces the namespace or key hold", () => {
    const cases: [string, string][] = [["n", "k"], ["n", "a{b}c"], ["n", "}{"], ["n", "{}"], ["{x}", "k"], ["n", "a}b{c"]];
    for (const [ns, key] of cases) {
      const entryKey = `tc:e:${ns.length}:${ns}:${key}`;
      const leaseKey = clusterLeaseKey(new KeyScheme("tc"), ns, key, entryKey);
      expect(calculateSlot(leaseKey), leaseKey).to.equal(calculateSlot(entryKey));
      expect(leaseKey.endsWith(`:${ns.length}:${ns}:${key}`)).to.equal(true);
    }
  });
});

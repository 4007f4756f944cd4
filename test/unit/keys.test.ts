import { expect } from "chai";
import { KeyScheme } from "../../server/src/store/keys.js";

describe("key scheme", () => {
  const keys = new KeyScheme("tc");
  const entry = (ns: string, key: string) => keys.forNamespace(ns).entryPrefix + key;
  const tag = (ns: string, t: string) => keys.forNamespace(ns).tagPrefix + t;

  it("never maps two (namespace, key) pairs to one Redis key", () => {
    const parts = ["", "a", "b", ":", "a:b", "1:a", "a:", ":b", "{", "}", "{1:a}", "2", "x:a"];
    const seen = new Map<string, string>();
    for (const ns of parts.filter(Boolean)) {
      for (const k of parts) {
        for (const [kind, made] of [["entry", entry(ns, k)], ["tag", tag(ns, k)]] as const) {
          const who = `${kind} ${JSON.stringify(ns)}/${JSON.stringify(k)}`;
          expect(seen.get(made), `${who} collides`).to.equal(undefined);
          seen.set(made, who);
        }
      }
      const all = keys.forNamespace(ns).allKey;
      expect(seen.has(all)).to.equal(false);
      seen.set(all, `all ${ns}`);
    }
  });

  it("puts a namespace's versions under one hash tag and leaves entries without one", () => {
    const ns = keys.forNamespace("billing");
    expect(ns.tagPrefix).to.equal("tc:t:{7:billing}:");
    expect(ns.allKey).to.equal("tc:a:{7:billing}");
    expect(ns.entryPrefix).to.equal("tc:e:7:billing:");
  });
});

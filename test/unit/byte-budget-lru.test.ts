import { expect } from "chai";
import { ByteBudget, Sized, type LruPool } from "../../server/src/store/memory/byte-budget-lru.js";

class Rec extends Sized {
  constructor(readonly name: string) {
    super();
  }
}

const keys = (p: LruPool<Rec>) => [...p].map(([k]) => k).sort();

describe("byte budget with least-recently-used eviction", () => {
  it("evicts the least recently used record of any pool, until the records fit", () => {
    const budget = new ByteBudget(100);
    const a = budget.pool<Rec>();
    const b = budget.pool<Rec>();
    a.set("a1", new Rec("a1"), 30);
    b.set("b1", new Rec("b1"), 30);
    a.set("a2", new Rec("a2"), 30);
    a.get("a1"); // now b1 is the least recently used
    b.set("b2", new Rec("b2"), 50); // 140 bytes: b1 goes, then a2
    expect([keys(a), keys(b)]).to.deep.equal([["a1"], ["b2"]]);
    expect([budget.bytes, budget.evictions]).to.deep.equal([80, 2]);
  });

  it("reads with peek without changing the order", () => {
    const budget = new ByteBudget(60);
    const a = budget.pool<Rec>();
    a.set("x", new Rec("x"), 30);
    a.set("y", new Rec("y"), 30);
    expect(a.peek("x")?.name).to.equal("x");
    a.set("z", new Rec("z"), 30);
    expect(keys(a)).to.deep.equal(["y", "z"]);
  });

  it("bounds a pool's records, and accounts replacements, deletions and clearing", () => {
    const budget = new ByteBudget(1000);
    const a = budget.pool<Rec>(2);
    const b = budget.pool<Rec>();
    a.set("x", new Rec("x"), 10);
    b.set("old", new Rec("old"), 1); // older than y, but in a pool without a limit
    a.set("y", new Rec("y"), 10);
    a.set("x", new Rec("x2"), 25); // replaces: 25 - 10
    a.set("z", new Rec("z"), 10); // third record of a: y goes
    expect([keys(a), keys(b), budget.bytes]).to.deep.equal([["x", "z"], ["old"], 36]);
    expect(a.delete("x")).to.equal(true);
    expect(a.delete("x")).to.equal(false);
    expect(budget.bytes).to.equal(11);
    budget.clear();
    expect([a.size, b.size, budget.bytes]).to.deep.equal([0, 0, 0]);
  });

  it("evicts a record larger than the budget at once", () => {
    const budget = new ByteBudget(10);
    const a = budget.pool<Rec>();
    a.set("small", new Rec("small"), 5);
    a.set("big", new Rec("big"), 11);
    expect([a.size, budget.bytes]).to.deep.equal([0, 0]);
  });
});

import { expect } from "chai";
import { TurnBatcher } from "../../server/src/store/redis-standalone/turn-batcher.js";

describe("TurnBatcher", () => {
  it("runs the calls of one turn as one batch per group, answering each in order", async () => {
    const runs: [string, number[]][] = [];
    const b = new TurnBatcher<number, number>(async (group, xs) => {
      runs.push([group, xs]);
      return xs.map((x) => x * 10);
    }, 100);
    const answers = await Promise.all([b.add("a", 1), b.add("b", 2), b.add("a", 3)]);
    expect(answers).to.deep.equal([10, 20, 30]);
    expect(runs).to.deep.equal([["a", [1, 3]], ["b", [2]]]);
    // A later turn is a new batch.
    expect(await b.add("a", 4)).to.equal(40);
    expect(runs).to.have.length(3);
  });

  it("splits a turn's calls of one group into batches of at most maxBatch", async () => {
    const sizes: number[] = [];
    const b = new TurnBatcher<number, number>(async (_group, xs) => {
      sizes.push(xs.length);
      return xs;
    }, 3);
    const inputs = [0, 1, 2, 3, 4, 5, 6];
    expect(await Promise.all(inputs.map((x) => b.add("g", x)))).to.deep.equal(inputs);
    expect(sizes).to.deep.equal([3, 3, 1]);
  });

  it("fails every call of a batch whose run fails or throws, and only those", async () => {
    const b = new TurnBatcher<number, number>((group, xs) => {
      if (group === "throws") throw new Error("at once");
      if (group === "bad") return Promise.reject(new Error("down"));
      return Promise.resolve(xs);
    }, 100);
    const results = await Promise.allSettled([b.add("bad", 1), b.add("bad", 2), b.add("good", 3), b.add("throws", 4)]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "fulfilled", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason.message).to.equal("down");
    expect((results[3] as PromiseRejectedResult).reason.message).to.equal("at once");
  });
});

import { expect } from "chai";
import { CallGoneError } from "../../server/src/core/errors.js";
import { ReadGate } from "../../server/src/core/read-gate.js";

/** A read that finishes when the test says so, recording when it started. */
function pendingRead(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { read: () => (started.push(name), done.then(() => name)), finish };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("ReadGate: the store calls of every GetMany stream, shared", () => {
  it("runs at most `max` reads at once, and the next as soon as one ends", async () => {
    const gate = new ReadGate(2);
    const started: string[] = [];
    const reads = ["a", "b", "c", "d"].map((n) => pendingRead(started, n));
    const results = reads.map((r) => gate.run("x", r.read));
    await turn();
    expect(started).to.deep.equal(["a", "b"]);
    expect(gate.load).to.deep.equal({ running: 2, waiting: 2 });
    reads[0]!.finish();
    await turn();
    expect(started).to.deep.equal(["a", "b", "c"]);
    reads.slice(1).forEach((r) => r.finish());
    expect(await Promise.all(results)).to.deep.equal(["a", "b", "c", "d"]);
    expect(gate.load).to.deep.equal({ running: 0, waiting: 0 });
  });

  it("serves waiting callers in turn: a caller with many reads queued does not hold back another's", async () => {
    const gate = new ReadGate(1);
    const started: string[] = [];
    const first = pendingRead(started, "hog0");
    const all = [gate.run("hog", first.read)];
    const rest = [
      ...Array.from({ length: 5 }, (_, i) => ["hog", pendingRead(started, `hog${i + 1}`)] as const),
      ["victim", pendingRead(started, "victim")] as const,
    ];
    for (const [caller, r] of rest) all.push(gate.run(caller, r.read));
    await turn();
    first.finish();
    // Each read ends as soon as it starts.
    for (const [, r] of rest) r.finish();
    await Promise.all(all);
    expect(started.slice(0, 3)).to.deep.equal(["hog0", "hog1", "victim"]);
  });

  it("drops a wait whose call has gone, and refuses a call already gone", async () => {
    const gate = new ReadGate(1);
    const started: string[] = [];
    const blocker = pendingRead(started, "blocker");
    const running = gate.run("a", blocker.read);
    const gone = new AbortController();
    const waiting = gate.run("b", pendingRead(started, "never").read, gone.signal);
    await turn();
    expect(gate.load.waiting).to.equal(1);
    gone.abort();
    const err = await waiting.then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(CallGoneError);
    expect(gate.load.waiting).to.equal(0);
    blocker.finish();
    await running;
    expect(started).to.deep.equal(["blocker"]);
    expect(gate.load.running).to.equal(0);
    const late = await gate.run("c", async () => "ran", gone.signal).then(() => undefined, (e: unknown) => e);
    expect(late).to.be.instanceOf(CallGoneError);
  });

  it("frees its place when a read fails", async () => {
    const gate = new ReadGate(1);
    const failed = await gate.run("a", () => Promise.reject(new Error("store down"))).then(() => undefined, (e: unknown) => e);
    expect((failed as Error).message).to.equal("store down");
    expect(await gate.run("a", async () => "next")).to.equal("next");
  });
});

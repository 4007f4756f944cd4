import { expect } from "chai";
import { NearAcks } from "../../server/src/store/redis/near-acks.js";

// A writer's wait for other servers' acks: an ack may come before the wait
// starts, one ack wakes every wait for that server, and nothing is kept for
// a server that never acks once the write is done.
describe("NearAcks", () => {
  it("counts an ack that came before the wait", async () => {
    const acks = new NearAcks();
    const id = acks.open();
    acks.acked(id, "s1");
    expect(await acks.wait(id, "s1", 10_000)).to.equal(true);
    acks.close(id);
  });

  it("wakes every wait for the server that acked, and only those", async () => {
    const acks = new NearAcks();
    const id = acks.open();
    const waits = [acks.wait(id, "s1", 10_000), acks.wait(id, "s1", 10_000)];
    const other = acks.wait(id, "s2", 50);
    acks.acked(id, "s1");
    expect(await Promise.all(waits)).to.deep.equal([true, true]);
    expect(await other).to.equal(false);
    acks.close(id);
  });

  it("times out a silent server, ignores acks of changes no longer in flight, and keeps nothing", async () => {
    const acks = new NearAcks();
    const id = acks.open();
    expect(await acks.wait(id, "silent", 20)).to.equal(false);
    acks.close(id);
    acks.acked(id, "silent");
    acks.acked(id + 100, "s1");
    expect(acks.size).to.equal(0);
    expect(await acks.wait(id, "silent", 20)).to.equal(false);
  });
});

import { expect } from "chai";
import { WatchHub } from "../../server/src/core/watch-hub.js";
import type { Change, NearSettings } from "../../server/src/core/watch-change.js";
import type { EventSink } from "../../server/src/core/watch-subscriber.js";

const SETTINGS: NearSettings = {
  nearCache: "on", nearLeaseMs: 1000, nearMaxSubscribers: 10, nearMaxSubscribersPerConnection: 10,
  nearMaxNamespaces: 4, nearMaxPendingEvents: 8, nearMaxServerNamespaces: 16,
};

/** A sink that records what the server would send. */
function sink() {
  const sent = { changes: [] as number[], leases: [] as number[], ended: [] as string[] };
  const s: EventSink = {
    sendChange: (seq) => void sent.changes.push(seq),
    sendHeartbeat: (_id, leaseMs) => void sent.leases.push(leaseMs),
    end: (reason) => void sent.ended.push(reason),
  };
  return { s, sent };
}

const change: Change = { kind: "tags", namespace: "ns", tags: ["t"] };
const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

// The lease arithmetic on a clock the test moves by hand.
describe("WatchHub leases", () => {
  let t: number;
  let hub: WatchHub;
  beforeEach(() => {
    t = 0;
    hub = new WatchHub(SETTINGS, () => t);
  });

  it("costs nothing in a namespace nobody watches", async () => {
    expect(hub.watched("ns")).to.equal(false);
    expect(await settled(hub.publish(change))).to.equal(true);
  });

  it("holds a write until the subscriber acknowledges it", async () => {
    const { s, sent } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    sub.heartbeat(1n);
    expect(sent.leases).to.deep.equal([1000]);
    const write = hub.publish(change);
    expect(await settled(write)).to.equal(false);
    sub.ack(sent.changes[0]!);
    expect(await settled(write)).to.equal(true);
  });

  it("never renews past one lease after an unacknowledged change was sent", async () => {
    const { s, sent } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    sub.heartbeat(1n);
    t = 100;
    void hub.publish(change);
    t = 900;
    sub.heartbeat(2n);
    // Sent at 100: the lease may reach 1100, not 1900.
    expect(sent.leases[1]).to.equal(200);
  });

  it("drops a subscriber whose lease lapsed when a change comes, so it can never renew", async () => {
    const { s, sent } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    sub.heartbeat(1n);
    t = 1001;
    expect(await settled(hub.publish(change))).to.equal(true);
    expect(sent.ended).to.have.length(1);
    sub.heartbeat(2n);
    expect(sent.leases).to.deep.equal([1000]);
    expect(hub.watched("ns")).to.equal(false);
  });

  it("keeps a disconnected subscriber's namespaces watched until its lease lapses", () => {
    const { s } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    sub.heartbeat(1n);
    sub.disconnected();
    expect(hub.watched("ns")).to.equal(true);
  });

  it("forgets a subscriber that closed cleanly at once", () => {
    const { s } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    sub.heartbeat(1n);
    sub.closedCleanly();
    expect(hub.watched("ns")).to.equal(false);
  });
});

import { expect } from "chai";
import { WatchHub } from "../../server/src/core/watch-hub.js";
import type { Change, NearSettings } from "../../server/src/core/watch-change.js";
import type { DropReason, WatchObserver } from "../../server/src/core/watch-observer.js";
import type { EventSink } from "../../server/src/core/watch-subscriber.js";

const SETTINGS: NearSettings = {
  nearCache: "on", nearLeaseMs: 1000, nearMaxSubscribers: 10, nearMaxSubscribersPerConnection: 10,
  nearMaxNamespaces: 4, nearMaxPendingEvents: 3, nearMaxServerNamespaces: 16,
};
const change: Change = { kind: "keys", namespace: "ns", keys: ["k"] };

/** An observer that records every report. */
function recorder() {
  const seen = { open: 0, events: 0, acks: 0, drops: [] as DropReason[], waits: [] as number[] };
  const o: WatchObserver = {
    subscriberOpened: () => void seen.open++,
    subscriberRemoved: () => void seen.open--,
    eventSent: () => void seen.events++,
    ackReceived: () => void seen.acks++,
    dropped: (r) => void seen.drops.push(r),
    writeWaited: (s) => void seen.waits.push(s),
  };
  return { o, seen };
}

function sink() {
  const changes: number[] = [];
  const s: EventSink = { sendChange: (seq) => void changes.push(seq), sendHeartbeat: () => {}, end: () => {} };
  return { s, changes };
}

// What the hub reports, on a clock the test moves by hand.
describe("WatchHub observer", () => {
  let t: number;
  let hub: WatchHub;
  let seen: ReturnType<typeof recorder>["seen"];
  const subscriber = () => {
    const { s, changes } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    sub.heartbeat(1n);
    return { sub, changes };
  };
  beforeEach(() => {
    t = 0;
    const r = recorder();
    seen = r.seen;
    hub = new WatchHub(SETTINGS, () => t, r.o);
  });

  it("reports subscribers, events, acknowledgements and how long the write waited", async () => {
    const a = subscriber();
    const b = subscriber();
    expect(seen.open).to.equal(2);
    const write = hub.publish(change);
    expect(seen.events).to.equal(2);
    t = 3;
    a.sub.ack(a.changes[0]!);
    t = 7;
    b.sub.ack(b.changes[0]!);
    await write;
    expect(seen.acks).to.equal(2);
    expect(seen.waits).to.deep.equal([0.007]);
    a.sub.closedCleanly();
    expect(seen.drops).to.deep.equal(["closed"]);
    expect(seen.open).to.equal(1);
  });

  it("reports a drop for a lapsed lease, and removes the subscriber", async () => {
    subscriber();
    t = 1001;
    await hub.publish(change);
    expect(seen.drops).to.deep.equal(["lease_lapsed"]);
    expect(seen.open).to.equal(0);
    expect(seen.events).to.equal(0);
  });

  it("reports a drop for too many unacknowledged events, once", () => {
    subscriber();
    for (let i = 0; i < 5; i++) void hub.publish(change);
    expect(seen.events).to.equal(3);
    expect(seen.drops).to.deep.equal(["too_many_pending"]);
    // Still held: writers wait out its lease.
    expect(seen.open).to.equal(1);
  });

  it("reports a broken stream as closed and a drain as draining", () => {
    const a = subscriber();
    subscriber();
    a.sub.disconnected();
    hub.endAll("shutting down");
    expect(seen.drops).to.deep.equal(["closed", "draining"]);
  });
});

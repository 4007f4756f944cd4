import { expect } from "chai";
import { WatchHub } from "../../server/src/core/watch-hub.js";
import type { NearSettings } from "../../server/src/core/watch-change.js";
import type { WatchRelay } from "../../server/src/core/watch-relay.js";
import type { EventSink } from "../../server/src/core/watch-subscriber.js";

const SETTINGS: NearSettings = {
  nearCache: "on", nearLeaseMs: 1000, nearMaxSubscribers: 10, nearMaxSubscribersPerConnection: 10,
  nearMaxNamespaces: 4, nearMaxPendingEvents: 8, nearMaxServerNamespaces: 2,
};

/** A relay whose registrations the test grants by hand, with a validity it sets. */
function handRelay() {
  const valid = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const unregistered: string[] = [];
  const relay: WatchRelay = {
    register: (ns) => new Promise<void>((r) => waiting.set(ns, r)),
    registered: (ns) => valid.has(ns),
    validUntil: (ns) => valid.get(ns) ?? 0,
    unregister: (ns) => void unregistered.push(ns),
    publish: async () => {},
    close: () => {},
  };
  const grant = (ns: string, until: number) => {
    valid.set(ns, until);
    waiting.get(ns)?.();
  };
  return { relay, grant, unregistered };
}

function sink() {
  const sent = { heartbeats: [] as [bigint, number][], ended: [] as string[] };
  const s: EventSink = {
    sendChange: () => {},
    sendHeartbeat: (id, leaseMs) => void sent.heartbeats.push([id, leaseMs]),
    end: (reason) => void sent.ended.push(reason),
  };
  return { s, sent };
}

const tick = () => new Promise((r) => setImmediate(r));

// With other replicas, a subscription is confirmed only once the server is
// registered, and no lease outlives the registration's validity.
describe("WatchHub with a relay", () => {
  let t: number;
  let hub: WatchHub;
  let hand: ReturnType<typeof handRelay>;
  beforeEach(() => {
    t = 0;
    hub = new WatchHub(SETTINGS, () => t);
    hand = handRelay();
    hub.relay = hand.relay;
  });

  it("holds heartbeat answers until the namespace is registered, then answers the latest", async () => {
    const { s, sent } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    sub.heartbeat(1n);
    sub.heartbeat(2n);
    await tick();
    expect(sent.heartbeats).to.deep.equal([]);
    hand.grant("ns", 5000);
    await tick();
    expect(sent.heartbeats).to.deep.equal([[2n, 1000]]);
  });

  it("caps the lease at the registration's validity", async () => {
    const { s, sent } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    hand.grant("ns", 400);
    sub.heartbeat(1n);
    t = 500;
    sub.heartbeat(2n);
    expect(sent.heartbeats).to.deep.equal([[1n, 400], [2n, 0]]);
  });

  it("drops the subscribers of a namespace whose events may have been missed, and unregisters it once they lapsed", async () => {
    const { s, sent } = sink();
    const sub = hub.subscribe("peer", s);
    sub.watch(["ns"]);
    hand.grant("ns", 5000);
    sub.heartbeat(1n);
    hub.lost("ns");
    expect(sent.ended).to.have.length(1);
    expect(hand.unregistered).to.deep.equal([]);
    t = 2000;
    sub.disconnected();
    expect(hand.unregistered).to.deep.equal(["ns"]);
  });

  it("refuses more namespaces than NEAR_MAX_SERVER_NAMESPACES over all streams", () => {
    hub.subscribe("p1", sink().s).watch(["a", "b"]);
    expect(() => hub.subscribe("p2", sink().s).watch(["c"])).to.throw(/NEAR_MAX_SERVER_NAMESPACES/);
    hub.subscribe("p3", sink().s).watch(["a"]);
  });
});

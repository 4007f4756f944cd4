import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { expect } from "chai";
import type { Change } from "../../server/src/core/watch-change.js";
import { WatchEventKind, WatchRequestSchema, WatchResponseSchema } from "../../server/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { decodeWatchAck, encodeChange, serializeWatchResponse } from "../../server/src/transport/watch-codec.js";

const KINDS = { keys: WatchEventKind.KEYS, tags: WatchEventKind.TAGS, all: WatchEventKind.ALL } as const;

// What protobuf-es would send for the same event.
function reference(seq: number, c: Change): Buffer {
  const msg = create(WatchResponseSchema, {
    seq: BigInt(seq),
    kind: KINDS[c.kind],
    namespace: c.namespace,
    keys: c.kind === "keys" ? [...c.keys] : [],
    tags: c.kind === "tags" ? [...c.tags] : [],
  });
  return Buffer.from(toBinary(WatchResponseSchema, msg));
}

const CHANGES: Change[] = [
  { kind: "keys", namespace: "shop", keys: ["k"] },
  { kind: "keys", namespace: "", keys: ["a", "", "ключ", "x".repeat(300)] },
  { kind: "tags", namespace: "shop", tags: ["t1", "t2", "étiquette"] },
  { kind: "all", namespace: "ns" },
  { kind: "all", namespace: "" },
];

describe("Watch codec, server side", () => {
  it("is byte-identical to toBinary, for each subscriber's seq and one change after another", () => {
    for (const c of CHANGES) {
      for (const seq of [1, 127, 128, 300, 2 ** 31, 2 ** 40 + 3]) {
        expect(encodeChange(seq, c).equals(reference(seq, c)), `${c.kind} ${c.namespace} seq ${seq}`).to.equal(true);
      }
    }
    // The same change again after another: the cached body is not reused.
    expect(encodeChange(5, CHANGES[0]!).equals(reference(5, CHANGES[0]!))).to.equal(true);
  });

  it("decodes back to the event, and the serializer passes encoded events through", () => {
    const bytes = encodeChange(9, CHANGES[2]!);
    const msg = fromBinary(WatchResponseSchema, bytes);
    expect([msg.seq, msg.kind, msg.namespace, msg.tags]).to.deep.equal([9n, WatchEventKind.TAGS, "shop", ["t1", "t2", "étiquette"]]);
    expect(serializeWatchResponse(bytes)).to.equal(bytes);
    const heartbeat = create(WatchResponseSchema, { kind: WatchEventKind.HEARTBEAT, heartbeatId: 4n, leaseMs: 2000n });
    expect(Buffer.from(toBinary(WatchResponseSchema, heartbeat)).equals(serializeWatchResponse(heartbeat))).to.equal(true);
  });

  it("decodes acknowledgements and heartbeats as fromBinary does, and leaves anything else to it", () => {
    for (const ackSeq of [0n, 1n, 127n, 128n, 2n ** 40n, 2n ** 49n - 1n]) {
      for (const heartbeatId of [0n, 5n, 300n]) {
        const bytes = Buffer.from(toBinary(WatchRequestSchema, create(WatchRequestSchema, { ackSeq, heartbeatId })));
        expect(decodeWatchAck(bytes)).to.deep.equal(fromBinary(WatchRequestSchema, bytes));
      }
    }
    const other = [
      create(WatchRequestSchema, { subscribe: ["ns"], heartbeatId: 1n }),
      create(WatchRequestSchema, { ackSeq: 2n ** 49n }),
    ];
    for (const msg of other) expect(decodeWatchAck(Buffer.from(toBinary(WatchRequestSchema, msg)))).to.equal(undefined);
    expect(decodeWatchAck(Buffer.from([0x10]))).to.equal(undefined);
  });
});

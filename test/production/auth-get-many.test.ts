import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import fc from "fast-check";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { getManyAs } from "../helpers/get-many-as.js";
import { seedFor } from "../helpers/seed.js";
import { writeTokensFile, type TestToken } from "../helpers/tokens.js";

// GetMany names a namespace in every message, so authorisation is per
// message: a property over random streams mixing namespaces the token may
// and may not read. Every namespace holds the same keys with values naming
// the namespace, so a reply from the wrong one would show.
const READER: TestToken = { token: "mixed-reader-4b1e", id: "mixed", namespaces: ["shop", "team-*"], permissions: ["read"] };
const ADMIN: TestToken = { token: "mixed-admin-c07a", id: "ops", namespaces: ["*"], permissions: ["read", "write", "admin"] };
const ALLOWED = ["shop", "team-a", "team-b"];
const DENIED = ["payroll", "team", "shop2", ""];
const KEYS = ["k0", "k1", "k2"];
const RUNS = 60;

describe("GetMany authorises every message of a stream", function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ TOKENS_FILE: writeTokensFile([READER, ADMIN]) });
    for (const ns of [...ALLOWED, ...DENIED]) {
      const admin = server.client(ns, { token: ADMIN.token });
      for (const key of KEYS) await admin.set(key, bytes(`${ns || "default"}/${key}`));
    }
  });
  after(() => server.stop());

  it(`answers the messages before the first forbidden one, then ends PERMISSION_DENIED (${RUNS} random streams)`, async () => {
    const batch = fc.record({
      namespace: fc.constantFrom(...ALLOWED, ...DENIED),
      keys: fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }),
    });
    let denied = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 6 }), async (batches) => {
        const { replies, error } = await getManyAs(server.address, READER.token, batches);
        const firstDenied = batches.findIndex((b) => !ALLOWED.includes(b.namespace));
        const answered = firstDenied === -1 ? batches.length : firstDenied;
        expect(replies.map((r) => Number(r.batchId))).to.deep.equal(Array.from({ length: answered }, (_, i) => i));
        replies.forEach((r, i) => {
          const { namespace, keys } = batches[i]!;
          expect(r.results.map((e) => text(e.value))).to.deep.equal(keys.map((k) => `${namespace}/${k}`));
        });
        if (firstDenied === -1) {
          expect(error, error?.details).to.equal(undefined);
          return;
        }
        denied++;
        const ns = batches[firstDenied]!.namespace || "default";
        expect(error?.code, error?.details).to.equal(status.PERMISSION_DENIED);
        expect(error?.details).to.equal(`token "mixed" lacks the "read" permission on namespace "${ns}"`);
      }),
      { numRuns: RUNS, seed: seedFor("GetMany authorisation", 7) },
    );
    expect(denied, "streams with a forbidden message").to.be.greaterThan(RUNS / 4);
  });
});

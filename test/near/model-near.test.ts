import { startTestServer, type TestServer } from "../helpers/app.js";
import { NEAR_STORES } from "./near-helpers.js";
import { checkNearHistories } from "./near-model.js";

// The model checker with near-caching readers and writers on other clients:
// random concurrent histories, no stale read, no miss the model forbids.
const RUNS = 60;

function nearModelSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`model check with near-caches: ${name}`, function () {
    this.timeout(120_000);
    let server: TestServer;
    before(async () => (server = await startTestServer(await env())));
    after(async () => server?.stop());

    it(`serves no stale value over ${RUNS} random concurrent histories, with near hits`, () =>
      checkNearHistories({ readerAddress: server.address, prefix: "nearmodel", runs: RUNS, seedName: `near model check, ${name}` }));
  });
}

for (const [name, env] of NEAR_STORES) nearModelSuite(name, env);

import type { MemoryStore } from "../../server/src/store/memory/memory-store.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract } from "./cache-contract.js";

cacheContract("embedded memory store", {
  start: () => startTestServer({ MAX_BATCH_KEYS: "100" }),
  flush: async (server) => (server.app.store as MemoryStore).clear(),
});

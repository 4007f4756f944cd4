import type { MemoryStore } from "../../server/src/store/memory/memory-store.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract, type ContractTarget } from "./cache-contract.js";
import { getManyBudgetContract, SMALL_BUDGET } from "./get-many-budget.js";
import { leaseContract } from "./lease-contract.js";

const store = (server: Awaited<ReturnType<typeof startTestServer>>) => server.app.store as MemoryStore;
const target: ContractTarget = {
  start: () => startTestServer({ MAX_BATCH_KEYS: "100" }),
  flush: async (server) => store(server).clear(),
  evictVersion: async (server, namespace, tag) => store(server).evictVersion(namespace, tag),
};
cacheContract("embedded memory store", target);
leaseContract("embedded memory store", target);
getManyBudgetContract("embedded memory store", {
  start: () => startTestServer(SMALL_BUDGET),
  flush: async (server) => (server.app.store as MemoryStore).clear(),
});

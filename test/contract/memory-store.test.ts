import type { MemoryStore } from "../../server/src/store/memory/memory-store.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract, type ContractTarget } from "./cache-contract.js";
import { graceContract } from "./grace-contract.js";
import { leaseContract } from "./lease-contract.js";

const target: ContractTarget = {
  start: () => startTestServer({ MAX_BATCH_KEYS: "100" }),
  flush: async (server) => (server.app.store as MemoryStore).clear(),
};
cacheContract("embedded memory store", target);
leaseContract("embedded memory store", target);
graceContract("embedded memory store", target);

import { readFileSync } from "node:fs";
import { TaggedCacheError } from "../../clients/typescript/src/index.js";
import { Child } from "../../bench/lib/child.js";
import { until } from "../model/load.js";
import type { ModelTarget } from "../model/run-history.js";
import { pack, unpack } from "./ipc-codec.js";
import type { CallReply } from "./model-child.js";

/** Calls a model process answered, counted as their replies arrive. */
export interface CallCounts {
  ok: number;
  failed: number;
  /** Writes (Set, guarded Set, Delete, Invalidate, InvalidateAll) that succeeded. */
  okWrites: number;
}

const WRITES = new Set(["set", "setGuarded", "delete", "invalidate", "invalidateAll"]);

/**
 * One client process of the multi-process model check (model-child.ts): a
 * reader with near-caching clients, or a writer with plain ones, on one
 * server address. The parent sends each call and times it, so a recorded
 * interval encloses the real call; the process can be frozen and resumed.
 */
export class ModelProcess {
  /** Live counts, for waiting on a fault's effect. */
  readonly counts: CallCounts = { ok: 0, failed: 0, okWrites: 0 };
  private frozen = false;

  private constructor(
    readonly role: "reader" | "writer",
    readonly address: string,
    private readonly child: Child,
    readonly pid: number,
  ) {}

  /** Starts a process whose clients talk to `address`, each call with `deadlineMs`. */
  static async start(role: "reader" | "writer", address: string, deadlineMs = 5000): Promise<ModelProcess> {
    const child = Child.start("../../test/near/model-child.ts");
    await child.call("open", { address, near: role === "reader", deadlineMs });
    return new ModelProcess(role, address, child, await child.call<number>("pid"));
  }

  /**
   * The model target of one history (`prefix` before its namespaces) in this
   * process. A failure comes back as a TaggedCacheError of the same code.
   */
  target(prefix: string): ModelTarget {
    const call = async (method: Exclude<keyof ModelTarget, "close">, ...args: unknown[]) => {
      const reply = await this.child.call<CallReply>("call", { prefix, method, args: pack(args) });
      if (!reply.ok) {
        this.counts.failed++;
        throw new TaggedCacheError(reply.code, reply.details);
      }
      this.counts.ok++;
      if (WRITES.has(method)) this.counts.okWrites++;
      return unpack(reply.value) as never;
    };
    return {
      set: (...a) => call("set", ...a),
      get: (...a) => call("get", ...a),
      getMany: (...a) => call("getMany", ...a),
      delete: (...a) => call("delete", ...a),
      invalidate: (...a) => call("invalidate", ...a),
      invalidateAll: (...a) => call("invalidateAll", ...a),
      read: (...a) => call("read", ...a),
      setGuarded: (...a) => call("setGuarded", ...a),
      evict: () => Promise.reject(new Error("processes cannot evict versions")),
      close: () => void this.child.call("close", prefix).catch(() => {}),
    };
  }

  /** Subscribes a reader's namespaces of `prefix` and waits for a near hit in each; throws when it cannot. */
  warmUp(prefix: string, namespaces: readonly string[]): Promise<void> {
    return this.child.call("warmUp", { prefix, namespaces });
  }

  /** Near hits this process served so far (0 for a writer). */
  nearHits(): Promise<number> {
    return this.child.call("nearHits");
  }

  /** True between freeze() and resume(). */
  get isFrozen(): boolean {
    return this.frozen;
  }

  /** SIGSTOP, and waits until the kernel reports the process stopped. */
  async freeze(): Promise<void> {
    this.frozen = true;
    process.kill(this.pid, "SIGSTOP");
    await until("the process to stop", async () => (stateOf(this.pid) === "T" ? true : undefined), 10_000);
  }

  /** SIGCONT, and waits until the process runs again. */
  async resume(): Promise<void> {
    process.kill(this.pid, "SIGCONT");
    await until("the process to run again", async () => (stateOf(this.pid) !== "T" ? true : undefined), 10_000);
    this.frozen = false;
  }

  /** Resumes it if frozen, and stops it. */
  async stop(): Promise<void> {
    if (this.frozen) await this.resume().catch(() => {});
    await this.child.stop();
  }
}

/** The process's state letter from /proc (T: stopped by a signal). */
function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name, in parentheses, may hold spaces: the state follows its last ")".
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

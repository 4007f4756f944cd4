import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ask, RedisServer, waitFor } from "./redis-server.js";

const run = promisify(execFile);

/** A node's role as CLUSTER NODES reports it. */
export interface ClusterNode {
  readonly server: RedisServer;
  readonly role: "master" | "slave";
}

/**
 * A real Redis Cluster this test run owns: 3 masters and 3 replicas on free
 * ports, with a short node timeout so failovers take about a second, and its
 * state files in a temporary folder removed on stop.
 */
export class RedisCluster {
  private constructor(
    readonly servers: readonly RedisServer[],
    private readonly dir: string,
  ) {}

  /** Starts the nodes, creates the cluster and waits until it serves. */
  static async start(masters = 3): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), "tc-cluster-"));
    const servers: RedisServer[] = [];
    try {
      for (let i = 0; i < masters * 2; i++) {
        servers.push(
          await RedisServer.start([
            "--cluster-enabled", "yes",
            "--cluster-config-file", join(dir, `nodes-${i}.conf`),
            "--cluster-node-timeout", "1000",
            "--dir", dir,
            // A replica's full sync starts at once instead of after 5 s, and
            // is loaded from the socket, never from a dump file.
            "--repl-diskless-sync-delay", "0",
            "--repl-diskless-load", "swapdb",
          ]),
        );
      }
      const cluster = new RedisCluster(servers, dir);
      await run("redis-cli", [
        "--cluster", "create", ...servers.map((s) => `127.0.0.1:${s.port}`),
        "--cluster-replicas", "1", "--cluster-yes",
      ]);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (err) {
      for (const s of servers) await s.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Seed nodes as REDIS_CLUSTER_NODES takes them. */
  get nodesVariable(): string {
    return this.servers.map((s) => `127.0.0.1:${s.port}`).join(",");
  }

  /** Every running node with its current role. */
  async nodes(): Promise<ClusterNode[]> {
    const out: ClusterNode[] = [];
    for (const server of this.servers) {
      const role = await ask(server, (r) => r.role());
      if (role !== undefined) out.push({ server, role: (role as string[])[0] === "master" ? "master" : "slave" });
    }
    return out;
  }

  /**
   * Waits until every node says cluster_state:ok, every slot is served and
   * each master has one replica streaming from it (so WAIT 1 succeeds).
   */
  waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    return waitFor(() => this.healthy(), timeoutMs, "Redis Cluster to become healthy");
  }

  /** The master serving a slot (as CLUSTER SLOTS says) and its replica (as it says). */
  async shardOf(slot: number): Promise<{ master: RedisServer; replica: RedisServer }> {
    const byPort = (port: number) => this.servers.find((s) => s.port === port)!;
    for (const node of await this.nodes()) {
      const ranges = (await ask(node.server, (r) => r.cluster("SLOTS"))) as [number, number, [string, number]][] | undefined;
      const range = ranges?.find(([from, to]) => from <= slot && slot <= to);
      if (range === undefined) continue;
      const master = byPort(range[2][1]);
      const repl = await ask(master, (r) => r.info("replication"));
      const port = /slave0:ip=[^,]*,port=(\d+)/.exec(repl ?? "")?.[1];
      if (port !== undefined) return { master, replica: byPort(Number(port)) };
    }
    throw new Error(`no master with a replica serves slot ${slot}`);
  }

  /** Empties every master. */
  async flush(): Promise<void> {
    for (const node of await this.nodes()) {
      if (node.role === "master") await ask(node.server, (r) => r.flushall());
    }
  }

  /** Stops every node and removes the state files. */
  async stop(): Promise<void> {
    for (const s of this.servers) await s.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async healthy(): Promise<boolean> {
    let masters = 0;
    for (const server of this.servers) {
      const info = await ask(server, (r) => r.cluster("INFO") as Promise<string>);
      if (info === undefined || !info.includes("cluster_state:ok") || !info.includes("cluster_slots_ok:16384")) {
        return false;
      }
      const repl = await ask(server, (r) => r.info("replication"));
      if (repl?.includes("role:master")) {
        if (!/slave0:.*state=online/.test(repl)) return false;
        masters++;
      } else if (!repl?.includes("master_link_status:up")) return false;
    }
    return masters === this.servers.length / 2;
  }
}

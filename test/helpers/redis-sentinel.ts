import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ask, RedisServer, waitFor } from "./redis-server.js";

// A replica's full sync starts at once instead of after the default 5 s, and
// is loaded from the socket: no dump.rdb is written, so a node restarted
// after a kill comes back empty, never with data of an earlier run.
const FAST_SYNC = ["--repl-diskless-sync-delay", "0", "--repl-diskless-load", "swapdb"];

/** The name the Sentinels know the primary by. */
export const PRIMARY_NAME = "tc-primary";

/**
 * A primary, one replica and three Sentinels (quorum 2) this test run owns,
 * on free ports, with a one-second down-after so a failover takes a few
 * seconds. Sentinel config files live in a temporary folder removed on stop.
 */
export class RedisSentinelSetup {
  private constructor(
    /** The two data nodes; which one is primary changes with failovers. */
    readonly servers: readonly RedisServer[],
    readonly sentinels: readonly RedisServer[],
    private readonly dir: string,
  ) {}

  /** Starts everything and waits until the Sentinels know every node. */
  static async start(): Promise<RedisSentinelSetup> {
    const dir = mkdtempSync(join(tmpdir(), "tc-sentinel-"));
    const servers: RedisServer[] = [];
    const sentinels: RedisServer[] = [];
    try {
      const primary = await RedisServer.start(FAST_SYNC);
      servers.push(primary);
      servers.push(await RedisServer.start([...FAST_SYNC, "--replicaof", "127.0.0.1", String(primary.port)]));
      for (let i = 0; i < 3; i++) {
        const conf = join(dir, `sentinel-${i}.conf`);
        writeFileSync(
          conf,
          [
            `sentinel monitor ${PRIMARY_NAME} 127.0.0.1 ${primary.port} 2`,
            `sentinel down-after-milliseconds ${PRIMARY_NAME} 1000`,
            `sentinel failover-timeout ${PRIMARY_NAME} 5000`,
            "",
          ].join("\n"),
        );
        sentinels.push(await RedisServer.startSentinel(conf));
      }
      const setup = new RedisSentinelSetup(servers, sentinels, dir);
      await setup.waitUntilHealthy();
      return setup;
    } catch (err) {
      for (const s of [...sentinels, ...servers]) await s.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The Sentinels as REDIS_SENTINELS takes them. */
  get sentinelsVariable(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(",");
  }

  /** The data node the Sentinels currently name primary. */
  async primary(): Promise<RedisServer> {
    const addr = await ask(this.sentinels[0]!, (r) => r.call("SENTINEL", "get-master-addr-by-name", PRIMARY_NAME));
    const port = Number((addr as string[] | undefined)?.[1]);
    const server = this.servers.find((s) => s.port === port);
    if (server === undefined) throw new Error(`no primary known (${String(addr)})`);
    return server;
  }

  /**
   * Waits until the Sentinels agree on a primary that is really primary, see
   * each other and its replica, and the other node replicates from it (so
   * WAIT 1 succeeds).
   */
  waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    return waitFor(() => this.healthy(), timeoutMs, "the Sentinel setup to become healthy");
  }

  /** Empties the primary (the replica follows). */
  async flush(): Promise<void> {
    await ask(await this.primary(), (r) => r.flushall());
  }

  /** Stops every process and removes the config files. */
  async stop(): Promise<void> {
    for (const s of [...this.sentinels, ...this.servers]) await s.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async healthy(): Promise<boolean> {
    const ports = new Set<string>();
    for (const sentinel of this.sentinels) {
      const master = (await ask(sentinel, (r) => r.call("SENTINEL", "master", PRIMARY_NAME))) as string[] | undefined;
      if (master === undefined) return false;
      const field = (name: string) => master[master.indexOf(name) + 1];
      if (field("flags") !== "master" || Number(field("num-other-sentinels")) < 2) return false;
      // A Sentinel learns of replicas from the primary's INFO, every 10 s: one
      // that knows none cannot fail over, and a killed primary would stay put.
      if (Number(field("num-slaves")) < 1) return false;
      ports.add(field("port")!);
    }
    if (ports.size !== 1) return false;
    const primary = await this.primary().catch(() => undefined);
    if (primary === undefined) return false;
    const repl = await ask(primary, (r) => r.info("replication"));
    return repl !== undefined && repl.includes("role:master") && /slave0:.*state=online/.test(repl);
  }
}

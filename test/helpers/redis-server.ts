import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, "close");
  return port;
}

/** A program of the redis-server family and how it says it is up. */
interface Program {
  readonly command: string;
  /** Arguments before ours (redis-sentinel wants its config file first). */
  readonly leadingArgs: readonly string[];
  readonly readyText: string;
}

const REDIS_SERVER: Program = { command: "redis-server", leadingArgs: [], readyText: "Ready to accept connections" };

/**
 * A redis-server (or redis-sentinel) this test run owns: started on a free
 * port with no persistence, stopped (or killed and restarted) on demand.
 */
export class RedisServer {
  private proc: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly extraArgs: readonly string[],
    private readonly program: Program,
  ) {}

  /** Starts a server on a free port; extra arguments go to redis-server. */
  static async start(extraArgs: readonly string[] = []): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), extraArgs, REDIS_SERVER);
    await server.launch();
    return server;
  }

  /** Starts a redis-sentinel on a free port with a config file it may rewrite. */
  static async startSentinel(configFile: string): Promise<RedisServer> {
    const program = { command: "redis-sentinel", leadingArgs: [configFile], readyText: "+monitor master" };
    const server = new RedisServer(await freePort(), [], program);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A plain connection to this server, for inspecting or disturbing it. */
  connect(): Redis {
    return new Redis(this.port, "127.0.0.1", { lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  /** Starts the process again on the same port (after kill or stop). */
  async launch(): Promise<void> {
    const args = [
      ...this.program.leadingArgs,
      ...["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      ...this.extraArgs,
    ];
    const proc = spawn(this.program.command, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    let output = "";
    proc.stdout!.on("data", (d) => (output += d));
    proc.stderr!.on("data", (d) => (output += d));
    const deadline = Date.now() + 10_000;
    while (!output.includes(this.program.readyText)) {
      if (proc.exitCode !== null) throw new Error(`${this.program.command} exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`${this.program.command} did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Kills the process at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.signalProcess("SIGSTOP");
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    this.signalProcess("SIGCONT");
  }

  /** Stops the process. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  /** Sends a signal without waiting: SIGSTOP/SIGCONT make Redis hang and resume. */
  signalProcess(sig: NodeJS.Signals): void {
    this.proc?.kill(sig);
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, "exit");
    proc.kill(sig);
    // A paused process only acts on a signal once it runs again.
    if (sig !== "SIGKILL") proc.kill("SIGCONT");
    await exited;
  }
}

let shared: Promise<RedisServer> | undefined;

/** The Redis shared by the suites that do not disturb it; started once. */
export function sharedRedis(): Promise<RedisServer> {
  shared ??= RedisServer.start();
  return shared;
}

/** Stops the shared Redis, if one was started. */
export async function stopSharedRedis(): Promise<void> {
  if (shared !== undefined) await (await shared).stop();
  shared = undefined;
}

/** Runs one command on a node; undefined when it is down or refuses. */
export async function ask<T>(server: RedisServer, command: (r: Redis) => Promise<T>): Promise<T | undefined> {
  const r = new Redis(server.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    return await command(r);
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

/** Polls `check` every 100 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

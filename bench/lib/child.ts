import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/** A request to a child process: a command name and its argument. */
interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly arg: unknown;
}

/** A reply from a child process, to the request of the same id. */
interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value: unknown;
}

/**
 * A Node child process running one of bench/lib's *-child.ts modules, driven
 * by request/reply messages over the IPC channel. Benchmarks use children so
 * a server's CPU time is measured alone and load comes from other processes.
 */
export class Child {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(private readonly proc: ChildProcess) {
    proc.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(String(m.value)));
    });
    proc.on("exit", (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`child exited with ${code}`));
      this.pending.clear();
    });
  }

  /**
   * Starts `module` (a path relative to this folder) with `env` added; a
   * TypeScript module runs through tsx, a compiled .js one without it.
   */
  static start(module: string, env: Record<string, string> = {}, execArgv: string[] = []): Child {
    const loader = module.endsWith(".ts") ? ["--import", "tsx"] : [];
    const proc = fork(new URL(module, import.meta.url), [], {
      execArgv: [...loader, ...execArgv],
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Child(proc);
  }

  /** Sends a command and resolves with the child's answer. */
  call<T>(cmd: string, arg: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, cmd, arg } satisfies Request);
    });
  }

  /** Asks the child to exit (SIGTERM) and waits for it. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = once(this.proc, "exit");
    this.proc.kill("SIGTERM");
    await exited;
  }
}

/** In a child: answers each command with the handler of its name. */
export function serve(handlers: Record<string, (arg: never) => unknown>): void {
  process.on("message", async (m: Request) => {
    let reply: Reply;
    try {
      const handler = handlers[m.cmd];
      if (handler === undefined) throw new Error(`unknown command ${m.cmd}`);
      reply = { id: m.id, ok: true, value: await handler(m.arg as never) };
    } catch (err) {
      reply = { id: m.id, ok: false, value: err instanceof Error ? err.stack : String(err) };
    }
    process.send!(reply);
  });
  process.on("SIGTERM", () => process.exit(0));
}

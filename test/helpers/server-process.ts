import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { sleep } from "./app.js";

/** The server's sources, run through tsx. */
export const SOURCE_ENTRY = ["--import", "tsx", "server/src/main.ts"];
/** The built server in dist/, exactly what `make run` starts (`make test` builds it first). */
export const BUILT_ENTRY = ["dist/server/src/main.js"];

/** A server started as its own process, as `make run` would start it. */
export class ServerProcess {
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;

  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly lines: string[],
  ) {
    this.exited =
      proc.exitCode !== null ? Promise.resolve(proc.exitCode) : once(proc, "exit").then(([code]) => code as number | null);
  }

  /** The JSON log lines so far, parsed. */
  logs(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.lines) {
      try {
        out.push(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
    return out;
  }

  /** Waits until a log line's msg matches; throws after `timeoutMs` or if the process exits. */
  async waitForLog(msg: RegExp, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs().find((l) => msg.test(String(l.msg)));
      if (found !== undefined) return found;
      if (this.proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no log line ${msg}; output:\n${this.lines.join("\n")}`);
      }
      await sleep(20);
    }
  }

  /** Starts the server (its sources unless `entry` says otherwise) and waits until it listens. */
  static async start(env: Record<string, string>, args: string[] = [], entry = SOURCE_ENTRY): Promise<ServerProcess> {
    const proc = spawn(process.execPath, [...entry, ...args], {
      env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    let buffered = "";
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${lines.join("\n")}`)), 15_000);
      proc.stdout!.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split("\n");
        buffered = parts.pop()!;
        for (const line of parts) {
          lines.push(line);
          const m = /"port":(\d+)/.exec(line);
          if (m && line.includes("listening")) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        }
      });
      proc.stderr!.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
      proc.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${lines.join("\n")}`));
      });
    });
    return new ServerProcess(proc, port, lines);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Sends a signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    const exited = once(this.proc, "exit");
    this.proc.kill(signal);
    const [code] = await exited;
    return code as number | null;
  }
}

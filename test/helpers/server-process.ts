import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { sleep } from "./app.js";

/** The server run as its own process (main.ts), as in production. */
export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly address: string;
  /** Every log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Everything printed so far, raw. */
  output(): string;
  /** Waits until a log line's msg matches; throws after `timeoutMs`. */
  waitForLog(msg: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Starts `node server/src/main.ts` on a free port with `env` added to this environment. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(proc, "exit").then(([code]) => code as number | null);
  let raw = "";
  const logs: Record<string, unknown>[] = [];
  let partial = "";
  proc.stdout!.on("data", (d: Buffer) => {
    raw += d;
    const lines = (partial + d).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
  });
  proc.stderr!.on("data", (d: Buffer) => (raw += d));
  const waitForLog = async (msg: RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs.find((l) => msg.test(String(l.msg)));
      if (found !== undefined) return found;
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`no log line ${msg}; output:\n${raw}`);
      await sleep(20);
    }
  };
  const listening = await waitForLog(/^listening on/);
  return { proc, address: `127.0.0.1:${listening.port}`, logs, output: () => raw, waitForLog, exited };
}

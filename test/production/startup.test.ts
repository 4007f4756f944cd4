import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { expect } from "chai";
import { freePort } from "../helpers/redis-server.js";
import { SOURCE_ENTRY } from "../helpers/server-process.js";

// Issue 11, "Also": how the process behaves while it starts, and how it
// says why it cannot.

interface Started {
  readonly proc: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
}

function spawnServer(env: Record<string, string>): Started {
  const proc = spawn(process.execPath, SOURCE_ENTRY, {
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  proc.stdout!.on("data", (c: Buffer) => stdout.push(...c.toString().split("\n").filter(Boolean)));
  proc.stderr!.on("data", (c: Buffer) => stderr.push(...c.toString().split("\n").filter(Boolean)));
  const exited = once(proc, "exit").then(([code]) => code as number | null);
  return { proc, stdout, stderr, exited };
}

// Resolves once a stdout line's msg matches; fails if the process exits first.
async function logLine(s: Started, msg: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = s.stdout.find((l) => msg.test(l));
    if (line !== undefined) return line;
    if (s.proc.exitCode !== null || s.proc.signalCode !== null || Date.now() > deadline) {
      const how = s.proc.signalCode ?? s.proc.exitCode;
      throw new Error(`no log line ${msg} (process: ${how}); output:\n${[...s.stdout, ...s.stderr].join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stop(s: Started): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill("SIGTERM");
  await s.exited;
}

describe("starting the server process", function () {
  this.timeout(60_000);

  it("survives a SIGHUP sent while it starts, and logs why Redis is unreachable", async () => {
    // Nothing listens on this port: the start waits REDIS_CONNECT_TIMEOUT_MS
    // for the store, a window in which the SIGHUP lands.
    const port = await freePort();
    const s = spawnServer({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CONNECT_TIMEOUT_MS: "3000" });
    try {
      await logLine(s, /"msg":"configuration"/);
      s.proc.kill("SIGHUP");
      await logLine(s, /"msg":"listening on /);
      expect(s.proc.signalCode, "killed by").to.equal(null);
      const cause = await logLine(s, /store connection failed/);
      expect(cause).to.include(`ECONNREFUSED 127.0.0.1:${port}`);
    } finally {
      await stop(s);
    }
  });

  for (const url of ["http://x", "localhost:6379"]) {
    it(`refuses REDIS_URL=${url} at start with one line and exit status 2`, async () => {
      const s = spawnServer({ REDIS_URL: url });
      expect(await s.exited).to.equal(2);
      expect(s.stderr).to.have.length(1);
      expect(s.stderr[0]).to.include("REDIS_URL: expected redis://").and.include(`"${url}"`);
      expect(s.stdout.some((l) => l.includes("listening"))).to.equal(false);
    });
  }

  it("names the address and --port in one line when the port is in use, and exits non-zero", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as { port: number }).port;
    try {
      const s = spawnServer({ PORT: String(port) });
      const code = await s.exited;
      expect(code).to.not.equal(0);
      expect(s.stderr, "stderr lines").to.have.length(1);
      expect(s.stderr[0]).to.include(`127.0.0.1:${port}`).and.include("--port").and.include("already in use");
    } finally {
      taken.close();
    }
  });
});

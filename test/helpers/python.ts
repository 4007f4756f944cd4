import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Debian's Python, whose grpcio is the stock C-core gRPC client. */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** The venv `make python-client` builds: Debian's Python with our wheel installed. */
export const CLIENT_PYTHON = fileURLToPath(new URL("../../clients/python/.venv/bin/python", import.meta.url));

/** A script of test/interop/python. */
export const script = (name: string): string => fileURLToPath(new URL(`../interop/python/${name}`, import.meta.url));

/**
 * Runs a Python script and parses the JSON line it prints last. Rejects with
 * its stderr when it exits non-zero (a failed check says what failed).
 */
export function runPython(python: string, args: readonly string[], timeoutMs = 60_000): Promise<any> {
  if (!existsSync(python)) {
    return Promise.reject(new Error(`${python} is missing: run make python-client (it installs Debian's python3-grpcio)`));
  }
  return new Promise((resolve, reject) => {
    const proc = spawn(python, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (err += d));
    proc.on("close", (code, signal) => {
      if (code !== 0) return reject(new Error(`${args[0]} failed (${code ?? signal}):\n${err}${out}`));
      const lines = out.trim().split("\n");
      resolve(JSON.parse(lines[lines.length - 1]!));
    });
  });
}

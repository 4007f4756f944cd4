import { execFileSync } from "node:child_process";
import { stopSharedRedis } from "./redis-server.js";

// Root hooks: fail early and clearly without redis-server, and stop the
// shared Redis once every suite is done.
export const mochaHooks = {
  beforeAll(): void {
    try {
      execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    } catch {
      throw new Error("redis-server is not installed: run `make test` (installs it as root) or `apt-get install redis-server`");
    }
  },
  async afterAll(): Promise<void> {
    await stopSharedRedis();
  },
};

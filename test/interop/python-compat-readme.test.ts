import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { CLIENT_PYTHON } from "../helpers/python.js";
import { RedisServer } from "../helpers/redis-server.js";

const SEED = "shared/seeds/redis-tagged-cache-README.md";

/** The original library's README: `../shared/` beside the repository (or beside its main checkout). */
function seedReadme(): string {
  const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
  const candidates = [path.resolve(repoRoot, "..", SEED)];
  try {
    // A linked checkout's main checkout is where ../shared sits then.
    const commonDir = execFileSync("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd: repoRoot, stdio: "pipe" });
    candidates.push(path.resolve(path.dirname(commonDir.toString().trim()), "..", SEED));
  } catch {
    // Not a git checkout: the first place is the only one.
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the original's README is missing; looked at ${[...new Set(candidates)].join(", ")}`);
  return readFileSync(found, "utf8");
}

/** The first python code block after a heading. */
function example(readme: string, heading: string): string {
  const at = readme.indexOf(`### ${heading}`);
  const block = at < 0 ? null : /```python\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`no python example under "### ${heading}" in the original's README`);
  return block[1]!;
}

/** The lines the README's comments say the example prints, in order. */
function promised(code: string): string[] {
  return code.split("\n").flatMap((line) => {
    const said = /#\s*it will (?:output|print)\s+(.*)$/i.exec(line);
    return said ? [...said[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!) : [];
  });
}

/** The example with only its import and the constructor's Redis address changed. */
function adapted(code: string, address: string): string {
  const imported = code.replace(/^from rtc import /m, "from taggedcache_client.compat import ");
  const constructed = imported.replace(/host="[^"]*",(\s*)port=\d+,/, `address="${address}",`);
  if (imported === code || constructed === imported) throw new Error(`the example's import or constructor changed shape:\n${code}`);
  return constructed;
}

function runExample(code: string): Promise<string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "rtc-example-")), "example.py");
  writeFileSync(file, code);
  return new Promise((resolve, reject) =>
    execFile(CLIENT_PYTHON, [file], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
}

// The README of redis-tagged-cache, its examples run as written against a
// TaggedCache server on Redis: the migration promise, checked.
describe("the original library's README examples, on TaggedCache", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let servers: TestServer[] = [];
  // One server per example, each with its own key prefix: both use namespace "foo".
  const fresh = async (prefix: string) => {
    const server = await startTestServer({ REDIS_URL: redis.url, KEY_PREFIX: prefix });
    servers.push(server);
    return server.address;
  };

  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
    await redis?.stop();
  });

  for (const heading of ["Low level example", "High level example"]) {
    it(`runs the "${heading}" and prints what the README says`, async () => {
      const code = example(seedReadme(), heading);
      const expected = promised(code);
      expect(expected.length, "the README promises some output").to.be.above(1);
      const printed = await runExample(adapted(code, await fresh(`readme-${heading.split(" ")[0]}`)));
      expect(printed).to.equal(expected.map((l) => `${l}\n`).join(""));
    });
  }
});

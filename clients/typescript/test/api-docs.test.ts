import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const run = promisify(execFile);
const pkgDir = resolve(import.meta.dirname, "..");
const typedoc = resolve(pkgDir, "../../node_modules/.bin/typedoc");

/**
 * `make client-docs` builds the API reference with TypeDoc, which fails on
 * any export without documentation (typedoc.json: validation.notDocumented,
 * treatWarningsAsErrors). Checked here without writing the HTML.
 */
describe("the client's API reference", function () {
  this.timeout(180_000);

  it("documents every export of the package and of its proto subpath", async () => {
    const { stdout } = await run(typedoc, ["--emit", "none"], { cwd: pkgDir });
    expect(stdout).to.not.match(/warning|error/i);
  });
});

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { startTestServer, type TestServer } from "../../../test/helpers/app.js";
import { sharedRedis } from "../../../test/helpers/redis-server.js";
import { readmeExamples, type Example } from "./readme-examples.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../../..");
const pkgDir = join(root, "clients/typescript");
const tsc = join(root, "node_modules/.bin/tsc");
const versionOf = (name: string): string =>
  JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
const install = (dir: string, packages: string[]) =>
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...packages], { cwd: dir });

const ESM_EXAMPLES = ["Low level example", "High level example", "By key: getOrSet", "With connect-es"];
const LEGACY_EXAMPLE = "With experimentalDecorators (NestJS)";

function tsconfig(dir: string, name: string, files: string[], extra: Record<string, unknown>): string {
  const path = join(dir, name);
  const compilerOptions = {
    target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true, skipLibCheck: true,
    typeRoots: [join(root, "node_modules/@types")], types: ["node"], ...extra,
  };
  writeFileSync(path, JSON.stringify({ compilerOptions, files }));
  return path;
}

/**
 * The package as users get it: packed with npm (which builds it), installed
 * from the tarball into an empty ES module project and an empty CommonJS
 * project (`npm init -y`), type-checked there under `strict`, and the README's
 * examples run as written (only the server address differs) against a live
 * server.
 */
describe("the packed client package", function () {
  this.timeout(600_000);
  let server: TestServer;
  let dir: string;
  let tarball: string;
  let files: string[];

  async function runExample(cwd: string, script: string, e: Example): Promise<void> {
    await server.client("foo").invalidateAll(); // each example starts from a cold cache
    const { stdout, stderr } = await run(process.execPath, [script], { cwd });
    expect(stdout.trim().split("\n"), e.title).to.deep.equal(e.prints);
    expect(stderr, `${e.title} prints nothing on stderr`).to.equal("");
  }

  const examplesOf = (titles: string[]) =>
    readmeExamples(join(pkgDir, "README.md"), titles).map((e) => ({
      ...e, code: e.code.replaceAll("localhost:50051", server.address),
    }));

  before(async () => {
    if (!existsSync(join(pkgDir, "src/gen"))) throw new Error("clients/typescript/src/gen is missing: run `make generate`");
    server = await startTestServer({ REDIS_URL: (await sharedRedis()).url });
    dir = mkdtempSync(join(tmpdir(), "taggedcache-client-"));
    rmSync(join(pkgDir, "dist"), { recursive: true, force: true }); // npm pack rebuilds it (prepack)
    const packed = JSON.parse((await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: pkgDir })).stdout);
    tarball = join(dir, packed[0].filename as string);
    files = (packed[0].files as { path: string }[]).map((f) => f.path);
  });
  after(async () => {
    await server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("holds both builds, the license, and the sources its source maps point to", () => {
    expect(files).to.include.members([
      "dist/esm/index.js", "dist/esm/index.d.ts", "dist/esm/proto.js", "dist/cjs/index.js", "dist/cjs/index.d.ts",
      "dist/cjs/package.json", "dist/esm/package.json", "README.md", "LICENSE", "package.json", "src/index.ts",
    ]);
    expect(files.filter((f) => f.includes("test"))).to.deep.equal([]);
    for (const map of files.filter((f) => f.endsWith(".js.map"))) {
      const { sources } = JSON.parse(readFileSync(join(pkgDir, map), "utf8")) as { sources: string[] };
      for (const s of sources) expect(files, `${map} points to ${s}`).to.include(join(dirname(map), s));
    }
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    expect(pkg).to.include({ sideEffects: false, license: "MIT" });
    expect(pkg.repository).to.have.property("url");
  });

  it("works in an ES module project: strict type-check, README examples, standard and legacy decorators, connect-es", async () => {
    const esm = join(dir, "esm");
    mkdirSync(esm);
    writeFileSync(join(esm, "package.json"), JSON.stringify({ name: "esm-consumer", private: true, type: "module" }));
    await install(esm, [tarball, `@grpc/grpc-js@${versionOf("@grpc/grpc-js")}`, "@connectrpc/connect@2.1.1", "@connectrpc/connect-node@2.1.1"]);

    const examples = examplesOf(ESM_EXAMPLES);
    examples.forEach((e, i) => writeFileSync(join(esm, `example${i}.ts`), e.code));
    await run(tsc, ["-p", tsconfig(esm, "tsconfig.json", examples.map((_, i) => `example${i}.ts`), { outDir: "out" })], { cwd: esm });
    const [legacy] = examplesOf([LEGACY_EXAMPLE]);
    writeFileSync(join(esm, "legacy.ts"), legacy!.code);
    const legacyOptions = { outDir: "out-legacy", experimentalDecorators: true };
    await run(tsc, ["-p", tsconfig(esm, "tsconfig.legacy.json", ["legacy.ts"], legacyOptions)], { cwd: esm });

    for (const [i, e] of examples.entries()) await runExample(esm, join(esm, `out/example${i}.js`), e);
    await runExample(esm, join(esm, "out-legacy/legacy.js"), legacy!);
  });

  it("works in a CommonJS project made by `npm init -y`: require(), strict type-check of JS and TS", async () => {
    const cjs = join(dir, "cjs");
    mkdirSync(cjs);
    await run("npm", ["init", "-y"], { cwd: cjs });
    await install(cjs, [tarball, `@grpc/grpc-js@${versionOf("@grpc/grpc-js")}`]);

    const [example] = examplesOf(["CommonJS"]);
    writeFileSync(join(cjs, "example.js"), example!.code);
    writeFileSync(
      join(cjs, "typed.ts"),
      [
        `import { TaggedCacheClient, UnavailableError, status } from "@taggedcache/client";`,
        `import { GetRequestSchema, TaggedCache } from "@taggedcache/client/proto";`,
        `const c = new TaggedCacheClient("${server.address}", { timeoutMs: "2s" });`,
        `console.log(GetRequestSchema.typeName, TaggedCache.typeName, new UnavailableError("x").code === status.UNAVAILABLE);`,
        `c.close();`,
      ].join("\n"),
    );
    const options = { outDir: "out", allowJs: true, checkJs: true };
    await run(tsc, ["-p", tsconfig(cjs, "tsconfig.json", ["example.js", "typed.ts"], options)], { cwd: cjs });
    await runExample(cjs, join(cjs, "example.js"), example!);
    const { stdout } = await run(process.execPath, [join(cjs, "out/typed.js")], { cwd: cjs });
    expect(stdout.trim()).to.equal("taggedcache.v1.GetRequest taggedcache.v1.TaggedCache true");
    expect(readFileSync(join(cjs, "out/typed.js"), "utf8")).to.contain('require("@taggedcache/client")');
  });
});

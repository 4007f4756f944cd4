import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { startTestServer, type TestServer } from "../../../test/helpers/app.js";
import { sharedRedis } from "../../../test/helpers/redis-server.js";
import { readmeExamples } from "./readme-examples.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../../..");
const pkgDir = join(root, "clients/typescript");
const tsc = join(root, "node_modules/.bin/tsc");
const EXAMPLES = ["Low level example", "High level example"];

/**
 * The package as users get it: built, packed with npm, installed from the
 * tarball into an empty project, type-checked there, and the README's
 * examples run as written (only the server address differs) against a live
 * server.
 */
describe("the packed client package", function () {
  this.timeout(120_000);
  let server: TestServer;
  let dir: string;

  before(async () => {
    if (!existsSync(join(pkgDir, "src/gen"))) throw new Error("clients/typescript/src/gen is missing: run `make generate`");
    const redis = await sharedRedis();
    server = await startTestServer({ REDIS_URL: redis.url });
    dir = mkdtempSync(join(tmpdir(), "taggedcache-client-"));
  });
  after(async () => {
    await server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("installs into an empty project, type-checks, and runs the README examples as written", async () => {
    rmSync(join(pkgDir, "dist"), { recursive: true, force: true }); // npm pack rebuilds it (prepack)
    const packed = JSON.parse((await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: pkgDir })).stdout);
    const tarball = join(dir, packed[0].filename as string);
    const files = (packed[0].files as { path: string }[]).map((f) => f.path);
    expect(files).to.include.members(["dist/index.js", "dist/index.d.ts", "README.md", "package.json"]);
    expect(files.some((f) => f.startsWith("src/"))).to.equal(false);

    const grpcVersion = JSON.parse(readFileSync(join(root, "node_modules/@grpc/grpc-js/package.json"), "utf8")).version;
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `@grpc/grpc-js@${grpcVersion}`], { cwd: dir });

    const examples = readmeExamples(join(pkgDir, "README.md"), EXAMPLES);
    examples.forEach((e, i) => writeFileSync(join(dir, `example${i}.ts`), e.code.replaceAll("localhost:50051", server.address)));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true, skipLibCheck: true,
          typeRoots: [join(root, "node_modules/@types")], types: ["node"], outDir: "out",
        },
        include: ["*.ts"],
      }),
    );
    await run(tsc, ["-p", join(dir, "tsconfig.json")], { cwd: dir });

    await server.client("foo").invalidateAll(); // the examples start from a cold cache
    for (let i = 0; i < examples.length; i++) {
      const { stdout } = await run(process.execPath, [join(dir, `out/example${i}.js`)], { cwd: dir });
      expect(stdout.trim().split("\n"), examples[i]!.title).to.deep.equal(examples[i]!.prints);
    }
  });
});

// Builds the package twice from the same sources: ES modules in dist/esm and
// CommonJS in dist/cjs, so that both `import` and `require` work on Node 20.
// A package.json in each folder tells Node (and TypeScript) which kind of
// module the .js and .d.ts files there are.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const fail = (why) => {
  console.error(`${why}: run \`make client\` from the repository root (it installs, generates, builds and packs)`);
  process.exit(1);
};
if (!existsSync(join(pkg, "src/gen"))) fail("src/gen (the generated code) is missing");
let tsc;
try {
  tsc = createRequire(join(pkg, "package.json")).resolve("typescript/bin/tsc");
} catch {
  fail("TypeScript is not installed");
}
rmSync(join(pkg, "dist"), { recursive: true, force: true });
for (const [config, type] of [["tsconfig.json", "module"], ["tsconfig.cjs.json", "commonjs"]]) {
  try {
    execFileSync(process.execPath, [tsc, "-p", join(pkg, config)], { stdio: "inherit" });
  } catch {
    process.exit(1); // tsc has printed the errors
  }
  const out = join(pkg, "dist", type === "module" ? "esm" : "cjs");
  writeFileSync(join(out, "package.json"), `${JSON.stringify({ type })}\n`);
}

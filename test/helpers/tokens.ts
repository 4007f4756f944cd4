import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A token as a test hands it out: the secret and the entry the file holds. */
export interface TestToken {
  readonly token: string;
  readonly id: string;
  readonly namespaces: string[];
  readonly permissions: string[];
}

/** The tokens file content for `tokens`: hashes only, as an operator writes it. */
export function tokensJson(tokens: readonly TestToken[]): string {
  return JSON.stringify({
    tokens: tokens.map((t) => ({
      id: t.id,
      sha256: createHash("sha256").update(t.token).digest("hex"),
      namespaces: t.namespaces,
      permissions: t.permissions,
    })),
  });
}

/** Writes a tokens file in a fresh temporary directory; returns its path. */
export function writeTokensFile(tokens: readonly TestToken[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "tc-tokens-")), "tokens.json");
  writeFileSync(path, tokensJson(tokens));
  return path;
}

import type { Logger } from "pino";
import { Authorizer } from "./authorizer.js";
import { loadTokensFile } from "./tokens-file.js";

/**
 * Builds the authorizer from the tokens file, or an open one when no file is
 * configured (and says so). A broken file at start is fatal: the error
 * propagates and the server does not start.
 */
export function openAuthorizer(path: string | undefined, log: Logger): Authorizer {
  if (path === undefined) {
    log.warn("authentication is off: no TOKENS_FILE configured, every caller may do everything");
    return new Authorizer(undefined);
  }
  const auth = new Authorizer(loadTokensFile(path));
  log.info({ tokensFile: path, tokens: auth.size }, "authentication on");
  return auth;
}

/**
 * Reads the tokens file again (on SIGHUP). A file that cannot be read or
 * parsed leaves the previous tokens in force and logs why; connections and
 * streams stay open either way. Returns whether the new tokens took effect.
 */
export function reloadTokens(auth: Authorizer, path: string | undefined, log: Logger): boolean {
  if (path === undefined || !auth.enabled) {
    log.info("no tokens file configured; nothing to reload");
    return false;
  }
  try {
    auth.replace(loadTokensFile(path));
  } catch (err) {
    log.error({ tokensFile: path, reason: (err as Error).message }, "tokens file not reloaded; keeping the previous tokens");
    return false;
  }
  log.info({ tokensFile: path, tokens: auth.size }, "tokens reloaded");
  return true;
}

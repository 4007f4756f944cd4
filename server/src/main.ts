import { helpText, loadConfig } from "./config.js";
import { StartupError } from "./core/errors.js";
import { createLogger } from "./log.js";
import { startApp } from "./app.js";

// load config → open store → start server; SIGTERM/SIGINT → drain → exit 0;
// SIGHUP → re-read the tokens file. A StartupError exits 2, anything else 1.
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(helpText());
    return;
  }
  const config = loadConfig(argv);
  const log = createLogger(config.observability.logLevel);
  const app = await startApp(config, log);
  log.info({ host: config.server.host, port: app.port }, `listening on ${config.server.host}:${app.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: config.server.shutdownGraceMs }, "draining");
    app.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (err) => {
        log.error({ err }, "failed to stop cleanly");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGHUP", () => app.reloadTokens());
}

main().catch((err) => {
  // A setting the server cannot start with is the operator's to fix: say which, no stack.
  if (err instanceof StartupError) {
    console.error(`taggedcache: ${err.message}`);
    process.exit(2);
  }
  console.error("taggedcache: failed to start:", err);
  process.exit(1);
});

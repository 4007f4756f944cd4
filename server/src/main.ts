import { ConfigError, helpText, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { startApp } from "./app.js";

// load config → open store → start server; SIGTERM/SIGINT → drain → exit 0;
// SIGHUP → re-read the tokens file.
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(helpText());
    return;
  }
  let config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`taggedcache: ${err.message}`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log);
  log.info({ host: config.host, port: app.port }, `listening on ${config.host}:${app.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: config.shutdownGraceMs }, "draining");
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
  console.error("taggedcache: failed to start:", err);
  process.exit(1);
});

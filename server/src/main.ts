import { helpText, loadConfig } from "./config.js";
import { StartupError } from "./core/errors.js";
import { createLogger, routeGrpcLogs } from "./log.js";
import { startApp, type App } from "./app.js";

// load config → open store → start server; SIGTERM/SIGINT → drain → exit 0;
// SIGHUP → re-read the tokens file. A StartupError exits 2, anything else 1.
async function main(): Promise<void> {
  // First of all: without a handler a SIGHUP kills the process, and one sent
  // while the server starts (a reload racing a restart) would. One that
  // arrives before the app is up re-reads the tokens once it is.
  let app: App | undefined;
  let reloadWhenUp = false;
  process.on("SIGHUP", () => {
    if (app === undefined) reloadWhenUp = true;
    else app.reloadTokens();
  });
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(helpText());
    return;
  }
  const config = loadConfig(argv);
  const log = createLogger(config.observability.logLevel);
  routeGrpcLogs(log);
  const running = await startApp(config, log);
  app = running;
  if (reloadWhenUp) running.reloadTokens();
  log.info({ host: config.server.host, port: running.port }, `listening on ${config.server.host}:${running.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: config.server.shutdownGraceMs }, "draining");
    running.stop().then(
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

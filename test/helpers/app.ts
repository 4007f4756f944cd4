import { pino, type Logger } from "pino";
import { TaggedCacheClient, type ClientOptions } from "../../clients/typescript/src/index.js";
import { startApp, type App } from "../../server/src/app.js";
import { loadConfig, type Config } from "../../server/src/config.js";

/** A server on a free port and a way to make clients of it. */
export interface TestServer {
  readonly app: App;
  readonly config: Config;
  readonly address: string;
  /** A client of this server in `namespace` (default namespace when omitted). */
  client(namespace?: string, options?: ClientOptions): TaggedCacheClient;
  /** Stops every client made here, then the server. */
  stop(): Promise<void>;
}

/**
 * Starts a server in this process. `env` holds configuration variables as the
 * server would read them (REDIS_URL, MAX_KEY_BYTES, ...); `log` receives the
 * server's log lines (none by default).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  log: Logger = pino({ level: "silent" }),
): Promise<TestServer> {
  const config = loadConfig([], { HOST: "127.0.0.1", PORT: "0", SHUTDOWN_GRACE_MS: "2000", ...env });
  const app = await startApp(config, log);
  const address = `127.0.0.1:${app.port}`;
  const clients: TaggedCacheClient[] = [];
  return {
    app,
    config,
    address,
    client(namespace, options = {}) {
      const c = new TaggedCacheClient(address, { namespace, ...options });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await app.stop();
    },
  };
}

/** Bytes of a string, for values. */
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A string of bytes, for values. */
export const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The error a call fails with; throws if it succeeds. `call` is a promise,
 * or a function whose throw counts like a rejection (the core refuses bad
 * input synchronously). Typed for gRPC errors (code, details) by default.
 */
export async function rejection<E = { code: number; details: string; message: string }>(
  call: Promise<unknown> | (() => unknown),
): Promise<E> {
  try {
    await (typeof call === "function" ? Promise.resolve().then(call) : call);
  } catch (err) {
    return err as E;
  }
  throw new Error("expected the call to fail");
}

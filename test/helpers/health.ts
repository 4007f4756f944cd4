import { credentials, makeGenericClientConstructor, type Client } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { sleep } from "./app.js";

const HealthClient = makeGenericClientConstructor(healthService, "Health");

/** A grpc.health.v1 client of the server at `address`. */
export interface Health {
  /** The serving status of `service` ("" is the whole server), or the error's message. */
  check(service?: string): Promise<string>;
  /** Polls until the status is `want`; throws after `timeoutMs`. */
  waitFor(want: string, timeoutMs?: number): Promise<void>;
  /** The underlying grpc-js client (for Watch). */
  readonly client: Client;
  close(): void;
}

/** Connects a health client (plaintext). */
export function healthClient(address: string): Health {
  const client = new HealthClient(address, credentials.createInsecure());
  const check = (service = "taggedcache.v1.TaggedCache") =>
    new Promise<string>((resolve) =>
      (client as unknown as Record<string, Function>).check!({ service }, (err: Error | null, res: { status: string }) =>
        resolve(err ? err.message : res.status),
      ),
    );
  return {
    client,
    check,
    async waitFor(want, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while ((last = await check()) !== want) {
        if (Date.now() > deadline) throw new Error(`health stayed ${last}, expected ${want}`);
        await sleep(50);
      }
    },
    close: () => client.close(),
  };
}

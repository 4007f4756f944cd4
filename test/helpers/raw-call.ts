import { Client, credentials, Metadata, status } from "@grpc/grpc-js";

/** The status a raw call ended with, and the reply bytes on success. */
export interface RawOutcome {
  readonly code: status;
  readonly details: string;
  readonly reply?: Buffer;
}

const identity = (b: Buffer): Buffer => b;

/** Sends raw bytes as the body of a unary TaggedCache call; resolves with the raw reply. */
export function rawUnary(address: string, rpc: string, body: Buffer): Promise<Buffer> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      `/taggedcache.v1.TaggedCache/${rpc}`,
      identity,
      identity,
      body,
      new Metadata(),
      { deadline: Date.now() + 5000 },
      (err, res) => {
        client.close();
        if (err) reject(err);
        else resolve(res!);
      },
    );
  });
}

/**
 * A gRPC client that sends bytes as they are, bypassing any message encoder:
 * for malformed bodies and for services we have no generated code for
 * (grpc.health.v1).
 */
export class RawClient {
  private readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure());
  }

  /** Calls a unary method (`/pkg.Service/Method`) with a raw body. */
  unary(path: string, body: Buffer, deadlineMs = 5000): Promise<RawOutcome> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(path, identity, identity, body, new Metadata(), { deadline: Date.now() + deadlineMs },
        (err, reply) => resolve(err ? { code: err.code, details: err.details } : { code: status.OK, details: "", reply }));
    });
  }

  /** Sends raw messages on a bidirectional stream, half-closes, and collects the outcome. */
  stream(path: string, bodies: readonly Buffer[], deadlineMs = 5000): Promise<RawOutcome & { replies: number }> {
    return new Promise((resolve) => {
      const call = this.client.makeBidiStreamRequest(path, identity, identity, new Metadata(), { deadline: Date.now() + deadlineMs });
      let replies = 0;
      call.on("data", () => replies++);
      call.on("error", () => {});
      call.on("status", (s) => resolve({ code: s.code, details: s.details, replies }));
      for (const b of bodies) call.write(b);
      call.end();
    });
  }

  close(): void {
    this.client.close();
  }
}

/** grpc.health.v1 serving statuses. */
export const SERVING = 1;
export const NOT_SERVING = 2;

/**
 * Asks grpc.health.v1.Health/Check about a service; returns its serving
 * status (HealthCheckResponse field 1), or throws on a failed call.
 */
export async function healthStatus(raw: RawClient, service: string): Promise<number> {
  const name = Buffer.from(service);
  const body = Buffer.concat([Buffer.from([0x0a, name.length]), name]);
  const out = await raw.unary("/grpc.health.v1.Health/Check", body);
  if (out.code !== status.OK) throw new Error(`health check failed: ${out.details}`);
  const reply = out.reply!;
  return reply.length >= 2 && reply[0] === 0x08 ? reply[1]! : 0;
}

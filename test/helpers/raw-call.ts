import { Client, credentials, Metadata } from "@grpc/grpc-js";

const identity = (b: Buffer) => b;

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

import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const FILE = require.resolve("@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto");

/**
 * The services a server lists over grpc.reflection.v1, asked as grpcurl
 * does, with `authorization: Bearer <token>` when a token is given; rejects
 * with the call's error.
 */
export function listServices(address: string, token?: string): Promise<string[]> {
  const pkg = grpc.loadPackageDefinition(loadSync(FILE, { keepCase: true })) as any;
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return new Promise<string[]>((resolve, reject) => {
    const call = client.ServerReflectionInfo(metadata);
    call.on("data", (res: any) => {
      resolve(res.list_services_response.service.map((s: { name: string }) => s.name));
      call.end();
    });
    call.on("error", reject);
    call.write({ list_services: "" });
  }).finally(() => client.close());
}

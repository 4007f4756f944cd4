import { readFileSync } from "node:fs";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { Server } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { protoPath as healthProtoPath } from "grpc-health-check";

/**
 * Serves grpc.reflection v1 and v1alpha for TaggedCache and grpc.health.v1.
 * TaggedCache's descriptors come from the image `buf build` writes beside the
 * generated code: it keeps the proto comments, so `grpcurl describe` shows
 * the documentation.
 */
export function addReflection(server: Server): void {
  const image = readFileSync(new URL("../gen/taggedcache.binpb", import.meta.url));
  const files = fromBinary(FileDescriptorSetSchema, image).file;
  const ours = files.map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, f)));
  const health = loadSync(healthProtoPath);
  // ReflectionService reads only the fileDescriptorProtos of each entry.
  const pkg = { ...health, "taggedcache.v1": { format: "binary", type: {}, fileDescriptorProtos: ours } };
  new ReflectionService(pkg as never).addToServer(server);
}

import { readFileSync } from "node:fs";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { Server } from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";

// Images `make generate` writes beside the generated code with `buf build`:
// ours, and gRPC's health and reflection protos (third_party/proto).
const IMAGES = ["taggedcache.binpb", "grpc.binpb"];

/** The encoded FileDescriptorProtos of every file in the images, dependencies included. */
export function servedFiles(): Buffer[] {
  return IMAGES.flatMap((name) => {
    const image = readFileSync(new URL(`../gen/${name}`, import.meta.url));
    return fromBinary(FileDescriptorSetSchema, image).file.map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, f)));
  });
}

/**
 * Serves grpc.reflection v1 and v1alpha for every service of the server:
 * TaggedCache, grpc.health.v1.Health and ServerReflection itself. Every
 * descriptor handed out was compiled by `buf build` from the .proto files,
 * as protoc would, and keeps the proto comments for `grpcurl describe`; none
 * is rebuilt from a proto-loader definition, whose map entries strict
 * clients (protobuf's C++ and Python descriptor pools) refuse.
 */
export function addReflection(server: Server): void {
  // ReflectionService reads only the fileDescriptorProtos of each entry.
  const pkg = { all: { format: "binary", type: {}, fileDescriptorProtos: servedFiles() } };
  new ReflectionService(pkg as never).addToServer(server);
}

import { readFileSync } from "node:fs";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { Server } from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";

/**
 * Serves grpc.reflection v1 and v1alpha from the image `buf build` writes
 * beside the generated code. The image keeps the proto comments, so
 * `grpcurl describe` shows the documentation.
 */
export function addReflection(server: Server): void {
  const image = readFileSync(new URL("../gen/taggedcache.binpb", import.meta.url));
  const files = fromBinary(FileDescriptorSetSchema, image).file;
  const fileDescriptorProtos = files.map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, f)));
  // ReflectionService reads only fileDescriptorProtos from the definition.
  const pkg = { "taggedcache.v1": { format: "binary", type: {}, fileDescriptorProtos } };
  new ReflectionService(pkg as never).addToServer(server);
}

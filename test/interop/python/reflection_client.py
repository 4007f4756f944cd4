"""A reflection client in the manner of grpcurl, on Debian's python3-grpcio.

It knows nothing of the server's protos: it compiles gRPC's reflection.proto
(from Debian's grpc-proto) with protoc, asks the server for every descriptor
it needs, loads them into a fresh descriptor pool (which refuses malformed
descriptors, as grpcurl does) and calls methods with JSON requests.

Usage: reflection_client.py ADDRESS list
       reflection_client.py ADDRESS describe SYMBOL
       reflection_client.py ADDRESS call SERVICE/METHOD JSON
Each prints one JSON document on stdout.
"""

import importlib.util
import json
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

GRPC_PROTO = "/usr/share/grpc-proto"
REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"


def reflection_messages():
    """The generated reflection request/response classes, compiled for this run."""
    out = tempfile.mkdtemp(prefix="reflection-")
    subprocess.run(
        ["protoc", f"-I{GRPC_PROTO}", f"--python_out={out}", "grpc/reflection/v1/reflection.proto"],
        check=True,
    )
    # Loaded by path: its package name, grpc.reflection.v1, is shadowed by grpcio's grpc.
    spec = importlib.util.spec_from_file_location("reflection_pb2", f"{out}/grpc/reflection/v1/reflection_pb2.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Reflection:
    """Asks one server questions over grpc.reflection.v1."""

    def __init__(self, channel):
        self.pb = reflection_messages()
        self.info = channel.stream_stream(
            REFLECTION,
            request_serializer=self.pb.ServerReflectionRequest.SerializeToString,
            response_deserializer=self.pb.ServerReflectionResponse.FromString,
        )

    def ask(self, **request):
        reply = next(self.info(iter([self.pb.ServerReflectionRequest(**request)]), timeout=10))
        if reply.HasField("error_response"):
            raise RuntimeError(f"reflection error {reply.error_response.error_code}: {reply.error_response.error_message}")
        return reply

    def services(self):
        return [s.name for s in self.ask(list_services="*").list_services_response.service]

    def pool_with(self, symbol):
        """A fresh descriptor pool holding the file that defines `symbol` and its dependencies."""
        files = {}
        pending = [self.ask(file_containing_symbol=symbol)]
        while pending:
            for raw in pending.pop().file_descriptor_response.file_descriptor_proto:
                fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
                files.setdefault(fd.name, fd)
            missing = [d for f in files.values() for d in f.dependency if d not in files]
            if missing:
                pending.append(self.ask(file_by_filename=missing[0]))
        pool = descriptor_pool.DescriptorPool()
        added = set()

        def add(name):
            if name in added:
                return
            for dep in files[name].dependency:
                add(dep)
            pool.Add(files[name])
            added.add(name)

        for name in files:
            add(name)
        return pool


def describe(reflection, symbol):
    pool = reflection.pool_with(symbol)
    service = pool.FindServiceByName(symbol)
    return {
        "service": service.full_name,
        "file": service.file.name,
        "methods": {
            m.name: {
                "input": m.input_type.full_name,
                "output": m.output_type.full_name,
                "client_streaming": m.client_streaming,
                "server_streaming": m.server_streaming,
            }
            for m in service.methods
        },
    }


def call(reflection, channel, target, request_json):
    service_name, method_name = target.split("/")
    pool = reflection.pool_with(service_name)
    method = pool.FindServiceByName(service_name).methods_by_name[method_name]
    factory = message_factory.MessageFactory(pool)
    request_class = factory.GetPrototype(method.input_type)
    response_class = factory.GetPrototype(method.output_type)
    request = json_format.Parse(request_json, request_class())
    unary = channel.unary_unary(
        f"/{service_name}/{method_name}",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    return json_format.MessageToDict(unary(request, timeout=10))


def main(argv):
    address, command, *args = argv
    with grpc.insecure_channel(address) as channel:
        reflection = Reflection(channel)
        if command == "list":
            result = reflection.services()
        elif command == "describe":
            result = describe(reflection, args[0])
        elif command == "call":
            result = call(reflection, channel, args[0], args[1])
        else:
            raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])

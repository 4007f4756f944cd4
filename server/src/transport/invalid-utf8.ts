import { ScalarType, type DescMessage } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Names the first string field of an encoded message that is not valid UTF-8,
 * as the validation errors do (`key`, `tags[2]`, `items[0].key`), or returns
 * undefined. fromBinary rejects such a message without saying where; this
 * runs only then, to tell the caller which field to fix. Rejecting (rather
 * than replacing bad bytes with U+FFFD) also keeps two different byte keys
 * from ever becoming the same key.
 */
export function invalidUtf8Field(schema: DescMessage, bytes: Uint8Array, prefix = ""): string | undefined {
  const seen = new Map<number, number>();
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [no, wireType] = reader.tag();
      const field = schema.fields.find((f) => f.number === no);
      if (field === undefined || wireType !== WireType.LengthDelimited) {
        reader.skip(wireType, no);
        continue;
      }
      const data = reader.bytes();
      const index = seen.get(no) ?? 0;
      seen.set(no, index + 1);
      const name = prefix + field.name + (field.fieldKind === "list" ? `[${index}]` : "");
      const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
      if (kind === "scalar" && field.scalar === ScalarType.STRING) {
        try {
          strict.decode(data);
        } catch {
          return name;
        }
      } else if (kind === "message" && field.message !== undefined) {
        const inner = invalidUtf8Field(field.message, data, `${name}.`);
        if (inner !== undefined) return inner;
      }
    }
  } catch {
    // Malformed framing: the generic decoding error says enough.
  }
  return undefined;
}

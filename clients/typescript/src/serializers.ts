/**
 * Turns values into the bytes the cache stores and back. `serialize` throws
 * (or returns undefined) for a value it cannot store; `deserialize` throws
 * for bytes it cannot read. The high level treats the first as "not stored"
 * and the second as a miss.
 */
export interface Serializer<T = unknown> {
  /** The bytes to store; undefined or a throw when the value cannot be stored. */
  serialize(value: T): Uint8Array | undefined;
  /** The value of stored bytes; throws when they cannot be read. */
  deserialize(bytes: Uint8Array): T;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * JSON in UTF-8: the default. `undefined`, functions and symbols cannot be
 * stored (JSON has no form for them); BigInt and cycles throw.
 */
export const jsonSerializer: Serializer = {
  serialize(value) {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : encoder.encode(text);
  },
  deserialize(bytes) {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  },
};

/** UTF-8 strings as they are. */
export const stringSerializer: Serializer<string> = {
  serialize(value) {
    if (typeof value !== "string") throw new TypeError(`expected a string, got ${typeof value}`);
    return encoder.encode(value);
  },
  deserialize(bytes) {
    return decoder.decode(bytes);
  },
};

/** Bytes as they are. */
export const bytesSerializer: Serializer<Uint8Array> = {
  serialize(value) {
    if (!(value instanceof Uint8Array)) throw new TypeError("expected a Uint8Array");
    return value;
  },
  deserialize(bytes) {
    return bytes;
  },
};

/** Bytes as a script argument, without copying. */
export function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** A lease id or version as a script argument: "" stands for none. */
export function bytes(u8: Uint8Array | undefined): Buffer | string {
  return u8 === undefined ? "" : asBuffer(u8);
}

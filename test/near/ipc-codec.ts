/**
 * Model values across the IPC channel of a child process: Node's default
 * channel speaks JSON, which turns bytes into plain objects and an undefined
 * (a miss, inside GetMany's reply) into null. `pack` marks both so `unpack`
 * gives back exactly what was packed.
 */
export function pack(v: unknown): unknown {
  if (v === undefined) return { $undefined: true };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  if (Array.isArray(v)) return v.map(pack);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pack(x)]));
  return v;
}

/** The value `pack` was given. */
export function unpack(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unpack);
  if (v === null || typeof v !== "object") return v;
  if ("$undefined" in v) return undefined;
  if ("$bytes" in v) return new Uint8Array(Buffer.from(String(v.$bytes), "base64"));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpack(x)]));
}

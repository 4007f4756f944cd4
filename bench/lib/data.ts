/**
 * The shape of the benchmark's entries, shared by every case: 100-byte values
 * and three tags drawn from pools of 10, 100 and 1,000 (so tags are shared by
 * many entries, as in real use, and 1,110 tag versions exist in all).
 */
export const VALUE_BYTES = 100;

/** The value every entry stores (its content does not matter to the cache). */
export const VALUE: Buffer = Buffer.alloc(VALUE_BYTES, 0x61);

/** Namespace of the benchmark's entries. */
export const NAMESPACE = "bench";

/** Key of entry `i`. */
export function keyOf(i: number): string {
  return `item:${i}`;
}

/** The three tags of entry `i`, sorted. */
export function tagsOf(i: number): string[] {
  return [`a:${i % 10}`, `b:${i % 100}`, `c:${i % 1000}`];
}

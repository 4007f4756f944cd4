import { parse } from "@lukeed/ms";

/**
 * A duration: a number of milliseconds, or a string with its unit as `ms`
 * reads it ("250ms", "5m", "1h", "2 days").
 */
export type Duration = number | string;

/**
 * The duration in ms, or undefined when absent. Throws a RangeError naming
 * `field` for a string that is not a duration or a number that is not
 * finite. A negative number is returned as it is: the server refuses it with
 * INVALID_ARGUMENT and its own limits, where the value goes to the server.
 */
export function toMs(value: Duration | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === "number" ? value : parse(value.trim());
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new RangeError(`${field}: expected a number of ms or a duration such as "5m" (got ${JSON.stringify(value)})`);
  }
  return Math.round(ms);
}

/** A timeout of the client in ms (0: none); throws a RangeError naming `field` when negative. */
export function timeoutMs(value: Duration | undefined, field: string): number | undefined {
  const ms = toMs(value, field);
  if (ms !== undefined && ms < 0) throw new RangeError(`${field}: must not be negative (got ${JSON.stringify(value)})`);
  return ms;
}

/** The duration in ms as the int64 of a request, or undefined when absent. */
export function toMsBigInt(value: Duration | undefined, field: string): bigint | undefined {
  const ms = toMs(value, field);
  return ms === undefined ? undefined : BigInt(ms);
}

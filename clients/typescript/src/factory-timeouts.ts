/** The function of getOrSet()/cached() ran past its `hardTimeoutMs`, and no stale value could stand in. */
export class FactoryTimeoutError extends Error {
  /** "FactoryTimeoutError", for logs. */
  override readonly name = "FactoryTimeoutError";
  constructor(key: string, ms: number) {
    super(`the function computing "${key}" took more than ${ms} ms`);
  }
}

/** What waiting for the function gave: its result, or the soft timeout (a stale value is returned instead). */
export type Outcome<T> = { readonly done: true; readonly value: T } | { readonly done: false };

/**
 * Waits for `running`, at most `softMs` (when given: the caller has a stale
 * value to return, and the function goes on in the background) and at most
 * `hardMs` (then rejects with a FactoryTimeoutError). The function's own
 * error rejects as it is.
 */
export function awaitFactory<T>(running: Promise<T>, key: string, softMs: number | undefined, hardMs: number | undefined): Promise<Outcome<T>> {
  const timers: NodeJS.Timeout[] = [];
  const race: Promise<Outcome<T>>[] = [running.then((value) => ({ done: true, value }))];
  if (softMs !== undefined) race.push(new Promise((resolve) => timers.push(setTimeout(() => resolve({ done: false }), softMs))));
  if (hardMs !== undefined) {
    race.push(new Promise((_, reject) => timers.push(setTimeout(() => reject(new FactoryTimeoutError(key, hardMs)), hardMs))));
  }
  return Promise.race(race).finally(() => timers.forEach(clearTimeout));
}

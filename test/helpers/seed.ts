/**
 * The seed of a fast-check run: FC_SEED when set, to replay a run, else
 * `fallback`. Printed with what it seeds, so every run, failing or not, can
 * be replayed with `FC_SEED=<seed> npx mocha <file>`.
 */
export function seedFor(what: string, fallback: number): number {
  const fromEnv = process.env.FC_SEED;
  const seed = fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : fallback;
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be a whole number (got ${fromEnv})`);
  console.log(`      ${what}: fast-check seed ${seed}`);
  return seed;
}

/** A fresh seed, for runs that should explore new cases each time. */
export const freshSeed = (): number => (Math.random() * 2 ** 31) | 0;

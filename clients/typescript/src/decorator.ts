import { cached, defaultKey, type CachedOptions } from "./cached.js";
import type { TaggedCacheClient } from "./client.js";

/** A standard (TypeScript 5+, not `experimentalDecorators`) method decorator. */
/** Decorate async methods: the cached method returns a Promise. */
export type MethodDecorator<A extends unknown[]> = <This, Args extends A, R>(
  method: (this: This, ...args: Args) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
) => (this: This, ...args: Args) => Promise<Awaited<R>>;

/**
 * Caches a method as cached() caches a function. The default key is
 * `Class.method(JSON of the arguments)`: the instance (`this`) is not part of
 * it, as in the original library, so give a `key` function when results
 * depend on the instance.
 */
export function cachedMethod<A extends unknown[]>(client: TaggedCacheClient, options: CachedOptions<A>): MethodDecorator<A> {
  return <This, Args extends A, R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ) => {
    const methodName = String(context.name);
    const wrappers = new Map<string, (this: This, ...args: Args) => Promise<Awaited<R>>>();
    return function (this: This, ...args: Args): Promise<Awaited<R>> {
      const owner = (this as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? "";
      const name = options.name ?? (owner === "" ? methodName : `${owner}.${methodName}`);
      let wrapper = wrappers.get(name);
      if (wrapper === undefined) {
        const key = options.key ?? ((...a: Args) => defaultKey(name, a));
        const opts = { ...options, key } as CachedOptions<Args>;
        wrapper = cached(client, method, opts) as (this: This, ...args: Args) => Promise<Awaited<R>>;
        wrappers.set(name, wrapper);
      }
      return wrapper.apply(this, args);
    };
  };
}

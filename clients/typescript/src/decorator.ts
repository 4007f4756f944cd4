import type { Cached, CachedOptions, CachesFunctions } from "./cached.js";

/**
 * A method decorator with cached()'s options. It works both as a standard
 * TypeScript 5 decorator and under `experimentalDecorators` (NestJS and
 * other legacy setups); decorate async methods, as the cached method
 * returns a Promise.
 */
export interface MethodDecorator<A extends unknown[]> {
  /** Standard decorators (TypeScript 5+, no `experimentalDecorators`). */
  <This, Args extends A, R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => Promise<Awaited<R>>;
  /** Legacy decorators (`experimentalDecorators: true`). */
  <T>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T>;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/** The class a method was called on: the instance's class, or the class itself for a static method. */
function ownerName(self: unknown): string {
  if (typeof self === "function") return self.name;
  return (self as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? "";
}

/**
 * Caches a method as cached() caches a function. The default key is
 * `Class.method(JSON of the arguments)`: the instance (`this`) is not part of
 * it, as in the original library, so give a `key` function when results
 * depend on the instance.
 */
export function cachedMethod<A extends unknown[]>(client: CachesFunctions, options: CachedOptions<A>): MethodDecorator<A> {
  const wrap = (method: AnyMethod, methodName: string): AnyMethod => {
    const byName = new Map<string, Cached<unknown[], unknown>>();
    return function (this: unknown, ...args: unknown[]) {
      const owner = ownerName(this);
      const name = options.name ?? (owner === "" ? methodName : `${owner}.${methodName}`);
      let cachedFn = byName.get(name);
      if (cachedFn === undefined) {
        try {
          cachedFn = client.cached(method, { ...(options as CachedOptions<unknown[]>), name });
        } catch (err) {
          return Promise.reject(err);
        }
        byName.set(name, cachedFn);
      }
      return cachedFn.apply(this, args);
    };
  };
  return ((method: unknown, context: unknown, descriptor?: PropertyDescriptor) => {
    if (typeof context === "object" && context !== null && "kind" in context) {
      const c = context as ClassMethodDecoratorContext;
      if (c.kind !== "method") throw new TypeError(`decorator(): decorates methods, not a ${c.kind}`);
      return wrap(method as AnyMethod, String(c.name));
    }
    if ((typeof context === "string" || typeof context === "symbol") && typeof descriptor?.value === "function") {
      return { ...descriptor, value: wrap(descriptor.value as AnyMethod, String(context)) };
    }
    throw new TypeError(
      "decorator(): decorates methods only; under experimentalDecorators use it as `@cache.decorator(...)` on a method",
    );
  }) as MethodDecorator<A>;
}

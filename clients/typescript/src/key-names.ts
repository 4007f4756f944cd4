/**
 * The names default keys are derived from, per namespace view, each with the
 * source of the function it stands for. Two different functions claiming the
 * same name would share cache entries (minifiers make such names: `a`, `t`),
 * so the second is refused. The same source under the same name is one
 * function made twice (a closure per request, a second client) and is let
 * through: it computes the same values.
 */
export class KeyNames {
  private readonly sources = new Map<string, string>();

  /** Records `name` for `fn`; throws when a different function already holds it. */
  claim(name: string, fn: Function, what: string): void {
    const source = fn.toString();
    const held = this.sources.get(name);
    if (held === undefined) this.sources.set(name, source);
    else if (held !== source) {
      throw new TypeError(
        `${what}: another function already derives its keys from the name "${name}" ` +
          "(minified code often reuses names); give each function its own `name` or `key` option",
      );
    }
  }
}

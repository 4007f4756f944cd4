/**
 * The key scheme of every store. See docs/design/storage.md, "Keys", for the reasoning.
 *
 *   entry:         <prefix>:e:<len(ns)>:<ns>:<key>
 *   tag version:   <prefix>:t:{<len(ns)>:<ns>}:<tag>
 *   ns version:    <prefix>:a:{<len(ns)>:<ns>}
 *   tag history:   <prefix>:h:{<len(ns)>:<ns>}:<tag>   (what the last Invalidate replaced, and when)
 *   ns history:    <prefix>:b:{<len(ns)>:<ns>}
 *   lease:         <prefix>:l:<len(ns)>:<ns>:<key>
 *   cluster lease: <prefix>:l:{<slot tag>}:<len(ns)>:<ns>:<key>
 *   watchers:      <prefix>:w:{<len(ns)>:<ns>}   (servers whose near-cache subscribers watch the namespace)
 *   memory entry:  <len(ns)>:<ns>:<key>   (the embedded store's id of an entry and its lease)
 *   memory tag:    t<len(ns)>:<ns>:<tag>  (the embedded store's id of a tag version)
 *   memory ns:     a<ns>                  (the embedded store's id of a namespace version)
 *
 * The namespace is length-prefixed, so no (namespace, key) or (namespace, tag)
 * pair can produce another's key, and the kinds differ in their second part.
 * Entries hash on the whole key and spread over a cluster; a namespace's tag
 * versions share the hash tag {<len(ns)>:<ns>}, so one namespace's tags live
 * in one slot.
 *
 * Pub/sub channels of the near-cache relay (channels are not keys):
 *   events:        <prefix>:watch:events            (every server's changes, to every server)
 *   acks:          <prefix>:watch:acks:<server id>  (acknowledgements to the server that wrote)
 */
/** A namespace's part of every key: length-prefixed, so no two namespaces share it. */
export function namespaceId(ns: string): string {
  return `${ns.length}:${ns}`;
}

/** The embedded store's id of an entry (and of its lease). */
export function entryId(ns: string, key: string): string {
  return `${namespaceId(ns)}:${key}`;
}

/** The embedded store's id of a namespace's version. */
export function namespaceVersionId(ns: string): string {
  return `a${ns}`;
}

/** The embedded store's id of a tag's version; never equal to a namespace's. */
export function tagVersionId(ns: string, tag: string): string {
  return `t${namespaceId(ns)}:${tag}`;
}

export interface NamespaceKeys {
  /** Prefix of this namespace's entry keys; the key follows. */
  readonly entryPrefix: string;
  /** Prefix of this namespace's tag-version keys; the tag follows. */
  readonly tagPrefix: string;
  /** The namespace-wide version key that InvalidateAll replaces. */
  readonly allKey: string;
  /** Prefix of this namespace's lease keys; the key follows. */
  readonly leasePrefix: string;
  /** Prefix of the keys recording each tag's last replacement; the tag follows. */
  readonly tagHistoryPrefix: string;
  /** The key recording the namespace version's last replacement. */
  readonly allHistoryKey: string;
  /** The registry of servers watching this namespace (near-register.lua), in its slot. */
  readonly watchersKey: string;
}

/** Builds and remembers the key prefixes of each namespace. */
export class KeyScheme {
  private readonly cache = new Map<string, NamespaceKeys>();

  constructor(
    private readonly prefix: string,
    private readonly maxCached = 10_000,
  ) {}

  /** The prefixes of a namespace, built once and then reused. */
  forNamespace(ns: string): NamespaceKeys {
    let keys = this.cache.get(ns);
    if (keys === undefined) {
      const id = namespaceId(ns);
      keys = {
        entryPrefix: `${this.prefix}:e:${id}:`,
        tagPrefix: `${this.prefix}:t:{${id}}:`,
        allKey: `${this.prefix}:a:{${id}}`,
        leasePrefix: `${this.prefix}:l:${id}:`,
        tagHistoryPrefix: `${this.prefix}:h:{${id}}:`,
        allHistoryKey: `${this.prefix}:b:{${id}}`,
        watchersKey: `${this.prefix}:w:{${id}}`,
      };
      // Namespaces are few in practice; the bound only guards against abuse.
      if (this.cache.size >= this.maxCached) this.cache.clear();
      this.cache.set(ns, keys);
    }
    return keys;
  }

  /** The channel every server publishes its near-cache changes on. */
  watchEventsChannel(): string {
    return `${this.prefix}:watch:events`;
  }

  /** The channel a server hears the acknowledgements of its changes on. */
  watchAcksChannel(serverId: string): string {
    return `${this.prefix}:watch:acks:${serverId}`;
  }

  /**
   * A lease key with the hash tag `{hashTag}` right after the prefix (which
   * has no braces on a cluster), so no brace in the namespace or key can
   * move it to another slot.
   */
  leaseKeyIn(hashTag: string, ns: string, key: string): string {
    return `${this.prefix}:l:{${hashTag}}:${namespaceId(ns)}:${key}`;
  }
}

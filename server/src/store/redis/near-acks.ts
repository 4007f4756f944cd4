interface Pending {
  /** Servers whose ack came, possibly before the publish script's reply. */
  readonly acked: Set<string>;
  /** Servers waited for now, and how to wake each wait (one per registration of it). */
  readonly waiting: Map<string, Set<() => void>>;
}

/**
 * The acknowledgements a writing server waits for: one entry per change in
 * flight, opened before the change is published (an ack can overtake the
 * publish script's reply: it comes on the subscriber connection) and closed
 * when the write is done. Acks for changes not in flight are ignored, so
 * what is held is bounded by the writes in flight times the servers
 * registered.
 */
export class NearAcks {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** A new change id, listening for its acks. */
  open(): number {
    const id = this.nextId++;
    this.pending.set(id, { acked: new Set(), waiting: new Map() });
    return id;
  }

  /** `server` acknowledged change `id`. */
  acked(id: number, server: string): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    p.acked.add(server);
    for (const wake of p.waiting.get(server) ?? []) wake();
  }

  /** Resolves true once `server` acked change `id`, false after `ms` without. */
  wait(id: number, server: string, ms: number): Promise<boolean> {
    const p = this.pending.get(id);
    if (p === undefined) return Promise.resolve(false);
    if (p.acked.has(server)) return Promise.resolve(true);
    if (ms <= 0) return Promise.resolve(false);
    let wakes = p.waiting.get(server);
    if (wakes === undefined) p.waiting.set(server, (wakes = new Set()));
    const waits = wakes;
    return new Promise((resolve) => {
      const done = (acked: boolean) => {
        clearTimeout(timer);
        waits.delete(wake);
        if (waits.size === 0 && p.waiting.get(server) === waits) p.waiting.delete(server);
        resolve(acked);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), Math.ceil(ms));
      waits.add(wake);
    });
  }

  /** The write is done with change `id`: its late acks are ignored. */
  close(id: number): void {
    this.pending.delete(id);
  }

  /** Changes in flight (for tests and bounds). */
  get size(): number {
    return this.pending.size;
  }
}

import { CallGoneError } from "./errors.js";

/**
 * Shares the store among every GetMany stream of the server. At most `max`
 * store calls of GetMany run at once (each returns at most STORE_CALL_BYTES
 * of values, so this also bounds the bytes being read at once), and the
 * calls waiting for a place are served round-robin by caller: a caller with
 * many streams and batches queues behind itself, while another caller's
 * batch waits for at most one turn of each caller ahead of it. A wait whose
 * call has gone is dropped, so a cancelled stream costs nothing more.
 */
export class ReadGate {
  private running = 0;
  // Callers in turn order (a Map keeps insertion order); each with its waiting reads.
  private readonly waiting = new Map<string, Array<() => void>>();
  private queued = 0;

  constructor(private readonly max: number) {}

  /** Store calls running now, and waiting for a place. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queued };
  }

  /** Runs `read` once a place is free and it is `caller`'s turn; rejects with CallGoneError if `signal` aborts first. */
  async run<T>(caller: string, read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new CallGoneError();
    if (this.running < this.max && this.queued === 0) this.running++;
    else await this.wait(caller, signal);
    try {
      return await read();
    } finally {
      this.handOn();
    }
  }

  // Waits for a place handed on by handOn(), which keeps `running` counted for it.
  private wait(caller: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queue = this.waiting.get(caller);
      if (queue === undefined) this.waiting.set(caller, (queue = []));
      const q = queue;
      const onAbort = () => {
        const at = q.indexOf(wake);
        if (at < 0) return;
        q.splice(at, 1);
        this.queued--;
        if (q.length === 0 && this.waiting.get(caller) === q) this.waiting.delete(caller);
        reject(new CallGoneError());
      };
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      q.push(wake);
      this.queued++;
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  // A place is free: the first caller in turn takes it and goes to the back of the turn.
  private handOn(): void {
    const first = this.waiting.entries().next();
    if (first.done === true) {
      this.running--;
      return;
    }
    const [caller, queue] = first.value;
    const wake = queue.shift()!;
    this.queued--;
    this.waiting.delete(caller);
    if (queue.length > 0) this.waiting.set(caller, queue);
    wake();
  }
}

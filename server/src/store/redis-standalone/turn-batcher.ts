/**
 * Gathers the calls made during one turn of the event loop and runs them as
 * batches when the turn ends (setImmediate), one per group and at most
 * `maxBatch` inputs each: the unary Gets of one namespace arriving together
 * become one script call, so that under load one write and one reply serve
 * many calls. A lone call waits only for the end of the turn it arrived in.
 */
export class TurnBatcher<In, Out> {
  private pending = new Map<string, Batch<In, Out>[]>();
  private scheduled = false;

  /**
   * `run` answers a group's inputs in order, or fails them all (each caller
   * of the batch gets its error).
   */
  constructor(
    private readonly run: (group: string, inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch: number,
  ) {}

  /** Queues `input` in `group`; resolves with its answer from the batch. */
  add(group: string, input: In): Promise<Out> {
    let batches = this.pending.get(group);
    if (batches === undefined) this.pending.set(group, (batches = []));
    let batch = batches[batches.length - 1];
    if (batch === undefined || batch.inputs.length >= this.maxBatch) batches.push((batch = { inputs: [], waiting: [] }));
    batch.inputs.push(input);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const waiting = batch.waiting;
    return new Promise<Out>((resolve, reject) => waiting.push({ resolve, reject }));
  }

  private flush(): void {
    const groups = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [group, batches] of groups) {
      for (const { inputs, waiting } of batches) {
        // run may throw before returning a promise: that fails its batch too.
        Promise.resolve()
          .then(() => this.run(group, inputs))
          .then(
            (outs) => {
              for (let i = 0; i < waiting.length; i++) waiting[i]!.resolve(outs[i]!);
            },
            (err: unknown) => {
              for (const w of waiting) w.reject(err);
            },
          );
      }
    }
  }
}

interface Batch<In, Out> {
  readonly inputs: In[];
  readonly waiting: { resolve: (out: Out) => void; reject: (err: unknown) => void }[];
}

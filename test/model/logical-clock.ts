/**
 * The logical clock of a running history: one tick before each call is sent
 * and one after its reply arrives, when the tick carries the operation that
 * completed. A lane can wait for the clock to advance, or for some operation
 * to complete, so that other lanes' calls land inside a window it holds open
 * (a fill's gap between its read and its Set).
 */
export class LogicalClock<Done> {
  /** The last tick handed out. */
  now = 0;
  private readonly waiting: { ready: (done: Done | undefined) => boolean; go: () => void }[] = [];

  /** @param running lanes that will move the clock until each calls laneDone(). */
  constructor(private running: number) {}

  /** The next tick; `done` is the operation whose reply just arrived. */
  tick(done?: Done): number {
    this.now++;
    this.wake(done);
    return this.now;
  }

  /** Resolves once the clock reaches `at`, or when no lane is left to move it. */
  until(at: number): Promise<void> {
    if (this.now >= at) return Promise.resolve();
    return this.wait(() => this.now >= at);
  }

  /** Resolves once an operation `matches` completes, or when no lane is left to complete one. */
  untilDone(matches: (done: Done) => boolean): Promise<void> {
    return this.wait((done) => done !== undefined && matches(done));
  }

  /** A lane ran its last operation. */
  laneDone(): void {
    this.running--;
    this.wake(undefined);
  }

  private wait(ready: (done: Done | undefined) => boolean): Promise<void> {
    return new Promise((go) => {
      this.waiting.push({ ready, go });
      this.running--;
      this.wake(undefined);
    });
  }

  // With every lane waiting, one waiter goes on anyway: nobody else can.
  private wake(done: Done | undefined): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i]!;
      if (!w.ready(done) && this.running > 0) continue;
      this.waiting.splice(i, 1);
      this.running++;
      w.go();
    }
  }
}

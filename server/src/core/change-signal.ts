import type { Watch } from "./lease-store.js";

/**
 * A Watch fed by notify(): notices that arrive between two next() calls are
 * remembered, so none is lost while the waiter is busy re-checking.
 */
export class ChangeSignal implements Watch {
  private pending = false;
  private wake: (() => void) | undefined;

  constructor(private readonly onClose: (signal: ChangeSignal) => void) {}

  /** Records a notice and wakes the waiter, if any. */
  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  next(maxMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, maxMs));
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = undefined;
        self.pending = false;
        resolve();
      }
      this.wake = done;
    });
  }

  close(): void {
    this.wake?.();
    this.onClose(this);
  }
}

/**
 * The part of an AbortSignal the engine's nodes and clients use (an AbortSignal is one). A run's
 * own is a RunCancel: Node builds an AbortSignal as an EventTarget, ~2 µs per run plus ~1 µs per
 * listener, which an IVR call pays on every request; this costs next to nothing.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A cancellation, aborted once (a run's deadline or cancel, a process's shutdown); listeners are
 * called once each, in the order they were added, and a listener added twice is one listener (as
 * with EventTarget). A Set: the API's shutdown signal has a listener per run in flight.
 */
export class RunCancel implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners = new Set<() => void>();

  addEventListener(_type: 'abort', listener: () => void): void {
    // Every listener fires at most once: abort happens once.
    if (!this.aborted) this.listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.delete(listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = new Set();
    for (const l of listeners) {
      try {
        l();
      } catch {
        // As with EventTarget: one listener's error does not keep the others from running.
      }
    }
  }
}

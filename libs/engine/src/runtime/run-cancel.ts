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

/** A run's cancellation: aborted once (deadline or cancel), listeners called once each. */
export class RunCancel implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] = [];

  addEventListener(_type: 'abort', listener: () => void): void {
    // Every listener fires at most once: abort happens once.
    if (!this.aborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.lastIndexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) {
      try {
        l();
      } catch {
        // As with EventTarget: one listener's error does not keep the others from running.
      }
    }
  }
}

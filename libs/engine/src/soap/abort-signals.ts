import { EngineError } from '../errors';
import type { CancelSignal } from '../runtime/run-cancel';

// Deadlines and cancellation of SOAP calls and WSDL loads.

/** Waits for `promise` unless the signal aborts first (the abort reason is thrown when it is an EngineError). */
export function untilAborted<T>(promise: Promise<T>, signal: CancelSignal): Promise<T> {
  const abortError = () =>
    signal.reason instanceof EngineError
      ? signal.reason
      : new EngineError('RUN_ABORTED', 'aborted while the WSDL was loading');
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Aborts after `ms` with HTTP_TIMEOUT as the reason (AbortSignal.timeout's reason is a DOMException). */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new EngineError('HTTP_TIMEOUT', `loading the WSDL took longer than ${ms} ms`)),
    ms,
  );
  timer.unref();
  return controller.signal;
}

export function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}

/**
 * Stopping on a signal, as an explicit state instead of process.exit: the CLI turns
 * SIGINT, SIGTERM and SIGHUP into `requestStop()`; tool runs (src/tools/run.ts) observe
 * `stopSignal` and kill their process group, a sweep's pool takes no new points, and the
 * error unwinds through every `finally` that removes a temporary folder. Work cut short
 * by the stop is "not run" (InterruptedError), never "failed".
 */
import { InterruptedError } from './errors.js';

const controller = new AbortController();
let reason: string | null = null;

/** Aborted once a stop was requested. */
export const stopSignal: AbortSignal = controller.signal;

/** Records the signal (the first one counts) and aborts `stopSignal`. */
export function requestStop(signal: string): void {
  if (reason === null) reason = signal;
  controller.abort();
}

/** The signal that stopped the run, or null. */
export function stopReason(): string | null {
  return reason;
}

/** The error for work cut short by the stop. */
export function interrupted(what?: string): InterruptedError {
  const sig = reason ?? 'SIGINT';
  return new InterruptedError(sig, what ? `${sig}: stopped while ${what}` : `stopped by ${sig}`);
}

/** Throws the InterruptedError when a stop was requested. */
export function throwIfStopped(what?: string): void {
  if (stopSignal.aborted) throw interrupted(what);
}

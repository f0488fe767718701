import { setTimeout as sleep } from 'node:timers/promises';
import { PullError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** The first wait; each next wait doubles, with up to 25% jitter so sources retried together spread out. */
  baseDelayMs: number;
  /** No single wait is longer, whatever Retry-After asks. */
  maxDelayMs: number;
  signal?: AbortSignal;
}

/** The wait before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs: number | null, random = Math.random): number {
  const exponential = policy.baseDelayMs * 2 ** attempt * (1 + random() * 0.25);
  return Math.min(policy.maxDelayMs, Math.max(exponential, retryAfterMs ?? 0));
}

/** Runs `attempt` until it succeeds, fails for good, or the retries are spent; the last error is thrown. */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, onRetry?: (error: PullError, delayMs: number) => void): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const error = err instanceof PullError ? err : new PullError(String(err), false);
      if (!error.retryable || i >= policy.retries || policy.signal?.aborted) throw error;
      const delay = backoffDelay(i, policy, error.retryAfterMs);
      onRetry?.(error, delay);
      await sleep(delay, undefined, { signal: policy.signal }).catch(() => {
        throw error;
      });
    }
  }
}

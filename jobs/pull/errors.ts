/** A pull that did not produce a file to ingest; retryable when trying again soon may help. */
export class PullError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The source asked us to wait this long (Retry-After). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'PullError';
  }
}

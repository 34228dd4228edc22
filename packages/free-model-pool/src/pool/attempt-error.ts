import type { ClassifiedFailure } from '../types.js';

/**
 * A failure the attempt already understood (empty text, unparseable JSON, finish_reason "error"),
 * so the run loop does not need to classify it again.
 */
export class ClassifiedAttemptError extends Error {
  readonly failure: ClassifiedFailure;
  constructor(failure: ClassifiedFailure, opts?: { cause?: unknown }) {
    super(failure.message, { cause: opts?.cause });
    this.name = 'ClassifiedAttemptError';
    this.failure = failure;
  }
  static isInstance(e: unknown): e is ClassifiedAttemptError {
    return typeof e === 'object' && e !== null && (e as Error).name === 'ClassifiedAttemptError' && 'failure' in e;
  }
}

/** Output that no caller can use: rotate to another model. */
export function invalidOutput(message: string, cause?: unknown): ClassifiedAttemptError {
  return new ClassifiedAttemptError({ reason: 'invalid_output', status: 200, message }, { cause });
}

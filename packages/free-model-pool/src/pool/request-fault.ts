import { RequestStoppedError } from '../errors.js';
import { reasonDescription } from '../failures/index.js';
import type { Attempt, ClassifiedFailure } from '../types.js';
import type { Run } from './run-state.js';

/**
 * The errors that stop a request because of the request, not the models: a `stop` reason (the key,
 * billing, a request that is certainly wrong), and a refusal (`request_rejected`) that one other
 * model, and no more, was given the chance to tell apart from the first model's own trouble.
 */

const status = (s: number | undefined) => (s !== undefined ? ` (${s})` : '');

/** A `stop` reason: the request ends at once; every model would answer the same way. */
export function stoppedError(run: Run, modelId: string, failure: ClassifiedFailure): RequestStoppedError {
  return new RequestStoppedError(
    `The request to the ${run.tier} pool was stopped: ${modelId} ${reasonDescription(failure.reason)}${status(failure.status)}: ${failure.message}. ` +
      'Another model would fail the same way.',
    { reason: failure.reason, tier: run.tier, attempts: run.trail, status: failure.status, retryAt: failure.retryAt },
  );
}

/**
 * The request was refused (`run.requestFault`), and the call after it (if any) did not answer: the
 * request stops with the provider's message, which names the input it refused (an image URL, a
 * parameter). Neither refusal cooled a model. `confirming` is the trail line of that next call.
 */
export function requestFaultError(run: Run, confirming?: Attempt): RequestStoppedError {
  const { model, failure } = run.requestFault!;
  const head = `The request to the ${run.tier} pool was stopped: ${model} ${reasonDescription(failure.reason)}${status(failure.status)}: ${failure.message}.`;
  let tail: string;
  if (!confirming) {
    tail = ` No other model could be called now to tell whether the request or ${model} was at fault; ${model} was not cooled down.`;
  } else if (confirming.reason === 'request_rejected' || confirming.reason === 'bad_request') {
    tail = ` ${confirming.model} refused it too${status(confirming.status)}: the request itself looks at fault, so neither model was cooled down.`;
  } else {
    tail =
      ` ${confirming.model}, tried instead, ${confirming.reason ? reasonDescription(confirming.reason) : 'failed'}${status(confirming.status)}; ` +
      `a refused request is given one other model at most, so it stops here (${model} was not cooled down).`;
  }
  const hint = failure.status === 404 ? ' If every call answers 404, check that OPENROUTER_BASE_URL ends in /api/v1.' : '';
  return new RequestStoppedError(head + tail + hint, {
    reason: failure.reason,
    tier: run.tier,
    attempts: run.trail,
    status: failure.status,
  });
}

/**
 * A model that cannot be served, in each dialect: gone (no endpoints, a free variant that ended,
 * deprecated), briefly unavailable, or ruled out by the account's own settings.
 */
import { goneError, type WireError } from '../wire-errors.js';
import { availability, body, mirroredRetryAfter, retryAfterHeader, wire, type ErrorContext } from './dialect.js';

/** Why the model is gone. `no_endpoints` is the captured "No endpoints found for <id>." */
export type GoneCode = 'no_endpoints' | 'free_variant_ended' | 'model_deprecated';

const GONE_WORDS: Record<GoneCode, { structured: (m: string) => string; terse: string }> = {
  no_endpoints: { structured: (m) => `${m} is not offered by any host now.`, terse: 'gone' },
  free_variant_ended: { structured: (m) => `${m} can no longer be used without credits.`, terse: 'promo over' },
  model_deprecated: { structured: (m) => `${m} has been retired by its author.`, terse: 'eol' },
};

export function modelGone(ctx: ErrorContext, code: GoneCode): WireError {
  const { model } = ctx;
  const paid = model.replace(/:free$/, '');
  const more = code === 'free_variant_ended' ? { fallback_models: [paid] } : {};
  switch (ctx.dialect) {
    case 'captured':
      // OpenRouter added `availability` to these 404s without changing their message.
      if (code === 'no_endpoints') return goneError(model);
      return wire(404, body(404, `No endpoints found for ${model}.`, undefined, { availability: availability(code, model, false, undefined, more) }));
    case 'structured':
      return wire(404, body(404, GONE_WORDS[code].structured(model), undefined, { error_type: 'not_found', availability: availability(code, model, false, undefined, more) }));
    case 'terse':
      return wire(404, body(404, GONE_WORDS[code].terse, { availability: availability(code, model, false, undefined, more) }));
  }
}

/** Briefly unavailable (503, `temporarily_unavailable`), with the wait the scenario states. */
export function temporarilyUnavailable(ctx: ErrorContext): WireError {
  const { model, provider, waitSeconds } = ctx;
  switch (ctx.dialect) {
    case 'captured':
      return wire(
        503,
        body(503, 'No available model provider that meets your routing requirements', undefined, {
          error_type: 'provider_unavailable',
          http_status: 503,
          availability: availability('temporarily_unavailable', model, true, waitSeconds),
        }),
        retryAfterHeader(waitSeconds),
      );
    case 'structured':
      return wire(503, body(503, `${model} cannot be reached for a moment.`, { provider_name: provider }, { availability: availability('temporarily_unavailable', model, true, waitSeconds) }));
    case 'terse':
      return wire(503, body(503, 'hold on', { availability: availability('temporarily_unavailable', model, true, waitSeconds), ...mirroredRetryAfter(waitSeconds) }));
  }
}

/** The account's privacy settings rule out every endpoint of the model. */
export function privacyRestricted(ctx: ErrorContext): WireError {
  const { model } = ctx;
  const avail = availability('privacy_restricted', model, false, undefined, { excluded_by: ['privacy settings'] });
  switch (ctx.dialect) {
    case 'captured':
      return wire(404, body(404, 'No endpoints found matching your data policy (Free model publication). Configure: https://openrouter.ai/settings/privacy'));
    case 'structured':
      return wire(404, body(404, `Your account does not allow any host of ${model}.`, undefined, { availability: avail }));
    case 'terse':
      return wire(404, body(404, 'blocked by policy', { availability: avail }));
  }
}

/** The account's provider routing settings (ignored providers) rule out every endpoint of the model. */
export function constraintFiltered(ctx: ErrorContext): WireError {
  const { model, provider } = ctx;
  const avail = availability('constraint_filtered', model, false, undefined, {
    constraint: { field: 'provider.ignore', detail: `${provider} is ignored` },
    excluded_by: ['provider preferences'],
  });
  switch (ctx.dialect) {
    case 'captured':
      return wire(404, body(404, `No endpoints available for ${model} after your provider preferences were applied.`, undefined, { availability: avail }));
    case 'structured':
      return wire(404, body(404, `Nothing is left to serve ${model} once your routing rules apply.`, undefined, { availability: avail }));
    case 'terse':
      return wire(404, body(404, 'filtered', { availability: avail }));
  }
}

/** The model takes no images (decided from the catalog before any quota is spent). */
export function imageUnsupported(ctx: ErrorContext): WireError {
  switch (ctx.dialect) {
    case 'captured':
      return wire(404, body(404, 'No endpoints found that support image input'));
    case 'structured':
      return wire(404, body(404, `${ctx.model} only reads text.`, undefined, {
        availability: availability('no_endpoints', ctx.model, false, undefined, { constraint: { field: 'input_modalities', detail: 'image' } }),
      }));
    case 'terse':
      return wire(404, body(404, 'text only', { availability: availability('no_endpoints', ctx.model, false, undefined, { constraint: { field: 'input_modalities', detail: 'image' } }) }));
  }
}

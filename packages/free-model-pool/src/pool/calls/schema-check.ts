import { Ajv } from 'ajv';
import { PoolConfigError } from '../../errors.js';

/**
 * Checks an object request's JSON schema before any call: it must serialise (no cycles) and be a
 * valid JSON schema (draft-07 vocabulary, which is what the provider forwards). A schema a model
 * cannot be given fails every model the same way, so it is the caller's error, found for free,
 * instead of two calls, two units of the day and two cooled models.
 */
const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });

/** Schemas already found valid, by their JSON text (ElizaOS sends the same few over and over). */
const valid = new Set<string>();
const MAX_REMEMBERED = 64;

export function checkJsonSchema(schema: Record<string, unknown>, field = 'schema'): void {
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch (error) {
    throw new PoolConfigError(
      field,
      `${field} cannot be sent: it does not serialise to JSON (${error instanceof Error ? error.message : String(error)}); a JSON schema must be a plain tree without cycles`,
    );
  }
  if (valid.has(text)) return;
  // The meta-schema a schema names with `$schema` may be one ajv does not bundle; the vocabulary is checked either way.
  const { $schema: _ignored, ...copy } = JSON.parse(text) as Record<string, unknown>;
  if (!ajv.validateSchema(copy)) {
    throw new PoolConfigError(field, `${field} is not a valid JSON schema: ${ajv.errorsText(ajv.errors, { dataVar: field })}`);
  }
  try {
    ajv.compile(copy);
    ajv.removeSchema(copy); // only the verdict is kept, not a compiled validator per schema
  } catch (error) {
    throw new PoolConfigError(field, `${field} is not a usable JSON schema: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (valid.size >= MAX_REMEMBERED) valid.clear();
  valid.add(text);
}

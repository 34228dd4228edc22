import type { ObjectOutput } from '../requests.js';

/** Removes a Markdown code fence (```json … ```) that models like to wrap JSON in. */
export function stripCodeFences(text: string): string {
  const fenced = /```[a-zA-Z0-9_-]*\s*\n?([\s\S]*?)```/.exec(text);
  return (fenced ? fenced[1]! : text).trim();
}

/**
 * Parses model text as JSON leniently: fences stripped, then the whole text, then the outermost
 * {…} or […] span (models sometimes add a sentence before or after).
 */
export function parseLenientJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text == null) return { ok: false };
  const body = stripCodeFences(text);
  const tries = [body];
  for (const [open, close] of [['{', '}'], ['[', ']']] as const) {
    const start = body.indexOf(open);
    const end = body.lastIndexOf(close);
    if (start >= 0 && end > start) tries.push(body.slice(start, end + 1));
  }
  for (const candidate of tries) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch {
      // try the next shape
    }
  }
  return { ok: false };
}

export interface OutputShape {
  output: ObjectOutput;
  enumValues?: string[];
  schema?: Record<string, unknown>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a parsed value against what the caller asked for, accepting both the AI SDK's wrappers
 * (`{elements: […]}` for arrays, `{result: "…"}` for choices) and the bare value a model that ignored
 * the response format would send. Returns a reason string when the value does not fit.
 */
export function shapeOutput(value: unknown, shape: OutputShape): { ok: true; value: unknown } | { ok: false; why: string } {
  switch (shape.output) {
    case 'array': {
      if (Array.isArray(value)) return { ok: true, value };
      if (isPlainObject(value) && Array.isArray(value.elements)) return { ok: true, value: value.elements };
      return { ok: false, why: 'expected a JSON array' };
    }
    case 'enum': {
      const options = shape.enumValues ?? [];
      const picked = typeof value === 'string' ? value : isPlainObject(value) ? value.result : undefined;
      if (typeof picked === 'string' && options.includes(picked)) return { ok: true, value: picked };
      return { ok: false, why: `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}` };
    }
    case 'object': {
      if (!isPlainObject(value)) return { ok: false, why: 'expected a JSON object' };
      const required = Array.isArray(shape.schema?.required) ? (shape.schema!.required as unknown[]) : [];
      const missing = required.filter((k): k is string => typeof k === 'string' && !(k in value));
      if (missing.length > 0) return { ok: false, why: `missing required field(s) ${missing.join(', ')}` };
      return { ok: true, value };
    }
    case 'no-schema':
      return value === undefined ? { ok: false, why: 'expected JSON' } : { ok: true, value };
  }
}

/**
 * A value that satisfies a JSON schema: objects with every property filled by type, arrays with
 * 1–2 items, enum → first value, strings "example". Good enough for the schemas AI SDK / ElizaOS send.
 */

type Schema = Record<string, unknown>;
const MAX_DEPTH = 12;

const STRING_FORMATS: Record<string, string> = {
  email: 'user@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  'date-time': '2026-01-01T00:00:00.000Z',
  date: '2026-01-01',
  time: '00:00:00',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
  }
  return (node && typeof node === 'object' ? node : {}) as Schema;
}

function typeOf(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') ?? t[0];
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

function numberFor(schema: Schema, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : undefined;
  let n = min ?? (max !== undefined ? Math.min(1, max) : 1);
  if (integer) n = Math.ceil(n);
  return n;
}

function stringFor(schema: Schema): string {
  let s = (typeof schema.format === 'string' && STRING_FORMATS[schema.format]) || 'example';
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  while (s.length < minLength) s += 'x';
  if (typeof schema.maxLength === 'number' && s.length > schema.maxLength) s = s.slice(0, schema.maxLength);
  return s;
}

function valueFor(schema: Schema, root: Schema, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') return valueFor(resolveRef(root, schema.$ref), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const pick = (options as Schema[]).find((o) => o.type !== 'null') ?? options[0];
      return valueFor(pick as Schema, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Record<string, unknown> = {};
    for (const part of schema.allOf as Schema[]) Object.assign(merged, valueFor(part, root, depth + 1));
    return merged;
  }
  switch (typeOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const [key, sub] of Object.entries(props)) out[key] = valueFor(sub, root, depth + 1);
      return out;
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : 2;
      const count = Math.max(min, Math.min(2, max));
      const items = Array.isArray(schema.prefixItems) ? (schema.prefixItems as Schema[]) : null;
      if (items) return items.map((s) => valueFor(s, root, depth + 1));
      const itemSchema = (schema.items ?? {}) as Schema;
      return Array.from({ length: count }, () => valueFor(itemSchema, root, depth + 1));
    }
    case 'string':
      return stringFor(schema);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'example';
  }
}

export function valueForSchema(schema: unknown): unknown {
  const root = (schema && typeof schema === 'object' ? schema : {}) as Schema;
  return valueFor(root, root, 0);
}

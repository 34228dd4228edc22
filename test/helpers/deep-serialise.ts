import { inspect } from 'node:util';

/**
 * Every string reachable from `value`, as one text: own properties enumerable or not (an error's
 * message, stack and cause), symbols, getters, arrays, Maps, Headers. Plus `JSON.stringify` and
 * `util.inspect` of it, which is how a host prints an error. A leak check searches this text.
 */
export function deepSerialise(value: unknown): string {
  const out: string[] = [];
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number) => {
    if (typeof v === 'string') return void out.push(v);
    if (typeof v !== 'object' || v === null || depth > 40) return void out.push(String(v));
    if (seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map || (typeof (v as { forEach?: unknown }).forEach === 'function' && typeof (v as { entries?: unknown }).entries === 'function')) {
      try {
        for (const [k, x] of (v as Map<unknown, unknown>).entries()) {
          walk(k, depth + 1);
          walk(x, depth + 1);
        }
      } catch {
        // not iterable after all
      }
    }
    for (const key of Reflect.ownKeys(v)) {
      out.push(String(key));
      let x: unknown;
      try {
        x = (v as Record<PropertyKey, unknown>)[key];
      } catch {
        continue;
      }
      walk(x, depth + 1);
    }
  };
  walk(value, 0);
  try {
    out.push(JSON.stringify(value, (_k, v) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause } : v)));
  } catch {
    // circular: the walk above covered it
  }
  for (const showHidden of [true, false]) {
    try {
      out.push(inspect(value, { depth: Infinity, showHidden }));
      break;
    } catch {
      // some host objects (DOMException) throw when inspected with hidden properties
    }
  }
  return out.join('\n');
}

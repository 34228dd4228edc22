/**
 * Model size read from the id or the name. The catalog has no parameter-count field, so this is
 * the only evidence: tokens like `70b`, `1.2b`, `1t`, `8x7b`, `e4b` (Gemma 3n "effective" size)
 * and `a3b` (active parameters of a mixture of experts).
 */
export interface ModelSize {
  /** Total parameters, billions. */
  totalB?: number;
  /** Active parameters of a mixture of experts, billions. */
  activeB?: number;
}

const UNIT: Record<string, number> = { m: 0.001, b: 1, t: 1000 };

/** Reads size tokens from one text (an id or a name). */
export function readSize(text: string): ModelSize {
  const out: ModelSize = {};
  // Split on separators but not on dots, so `1.2b` stays whole while `lfm-2.5` is not read as a size.
  for (const token of text.toLowerCase().split(/[\s\-_/:(),]+/)) {
    let m: RegExpMatchArray | null;
    if ((m = token.match(/^(\d+(?:\.\d+)?)([mbt])$/))) {
      out.totalB = Math.max(out.totalB ?? 0, Number(m[1]) * UNIT[m[2]!]!);
    } else if ((m = token.match(/^(\d+)x(\d+(?:\.\d+)?)b$/))) {
      out.totalB = Math.max(out.totalB ?? 0, Number(m[1]) * Number(m[2]));
    } else if ((m = token.match(/^e(\d+(?:\.\d+)?)b$/))) {
      out.totalB = Math.max(out.totalB ?? 0, Number(m[1]));
    } else if ((m = token.match(/^a(\d+(?:\.\d+)?)b$/))) {
      out.activeB = Number(m[1]);
    }
  }
  return out;
}

/** Size from the id (without vendor and `:free`), completed from the name where the id is silent. */
export function modelSize(id: string, name: string): ModelSize {
  const slug = id.replace(/^[^/]*\//, '').replace(/:[^:]*$/, '');
  const fromId = readSize(slug);
  const fromName = readSize(name.replace(/^[^:]*:\s*/, ''));
  const totalB = fromId.totalB ?? fromName.totalB;
  const activeB = fromId.activeB ?? fromName.activeB;
  return { ...(totalB !== undefined ? { totalB } : {}), ...(activeB !== undefined ? { activeB } : {}) };
}

/**
 * Dense-equivalent size used for tiering and scoring. A mixture of experts is counted as the
 * geometric mean of total and active parameters (a common rule of thumb: Qwen3-30B-A3B ≈ 9.5B dense,
 * Qwen3-Coder-480B-A35B ≈ 130B). With only the active count known, that is a lower bound.
 */
export function effectiveSizeB(size: ModelSize): number | undefined {
  if (size.totalB !== undefined && size.activeB !== undefined && size.activeB < size.totalB) {
    return Math.sqrt(size.totalB * size.activeB);
  }
  return size.totalB ?? size.activeB;
}

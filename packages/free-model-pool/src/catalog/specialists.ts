import { SPECIALTIES, type CatalogModel, type Specialty } from './types.js';

export { SPECIALTIES, type Specialty } from './types.js';

/**
 * Single-purpose models, recognised from the catalog alone. The pools serve an agent's chat replies
 * and its structured calls, and the next model of a tier answers whenever the first is rate limited,
 * so a coding or theorem-proving model there would answer ordinary conversation. Specialists are
 * ranked after the general models of their tier (rank.ts), never removed: a busy day needs them all.
 * docs/catalog-and-probing.md explains the rule for users.
 *
 * The kinds and their signs come from the three real catalog snapshots (2025-05-23, 2026-02-27,
 * 2026-05-01). `supported_parameters` was checked too and marks none of them: `web_search_options`
 * is also listed by general models (gpt-4o), and coders list `tools` like everyone else. The kinds
 * are SPECIALTIES (types.ts, where the catalog's types can name them); the signs of each follow.
 */

export interface SpecialistSigns {
  /** What the kind is, in words (pool:discover and the docs). */
  label: string;
  /** Whole words of the id (vendor and `:variant` cut off) or of the name (`Vendor:` cut off). */
  nameWords: readonly string[];
  /**
   * Lower-case phrases looked for in the description's first sentence, which says what the model
   * is. Later sentences list what a general model is also good at (Qwen3 Next: "code generation").
   */
  descriptionPhrases: readonly string[];
  /** Output modalities besides text (`architecture.output_modalities`) that make a model a generator. */
  outputModalities: readonly string[];
}

/** Every sign, per kind, in one place. The comment after each kind names the entries that showed it. */
export const SPECIALIST_SIGNS: Readonly<Record<Specialty, SpecialistSigns>> = Object.freeze({
  // qwen3-coder, qwen-2.5-coder, deepcoder, olympiccoder, devstral, codestral, gpt-5-codex, grok-code;
  // poolside laguna ("coding agent model"), morph ("apply model for code edits").
  code: {
    label: 'coding model',
    nameWords: ['coder', 'code', 'codex', 'codestral', 'devstral', 'deepcoder', 'olympiccoder'],
    descriptionPhrases: ['code generation model', 'coding agent', 'code-specific', 'software engineering agent', 'code edits'],
    outputModalities: [],
  },
  // deepseek-prover-v2 ("geared towards logic and mathematics").
  math: {
    label: 'theorem-proving or maths model',
    nameWords: ['prover', 'math', 'mathstral'],
    descriptionPhrases: ['theorem prov', 'formal proof', 'logic and mathematics'],
    outputModalities: [],
  },
  // baidu/qianfan-ocr-fast ("purpose-built for OCR").
  ocr: {
    label: 'OCR model',
    nameWords: ['ocr'],
    descriptionPhrases: ['for ocr', 'ocr model', 'optical character recognition'],
    outputModalities: [],
  },
  // llama-guard-2/3/4 ("content safety classification"), gpt-oss-safeguard ("a safety reasoning model").
  guard: {
    label: 'safety classifier',
    nameWords: ['guard', 'safeguard', 'llamaguard'],
    descriptionPhrases: ['safety classification', 'safety classifier', 'safety reasoning model', 'safeguard model', 'content moderation'],
    outputModalities: [],
  },
  // arliai qwq-32b-rpr, aion-rp. By name only: general models say "roleplay" in their first sentence too.
  roleplay: {
    label: 'roleplay model',
    nameWords: ['rp', 'rpr', 'roleplay'],
    descriptionPhrases: [],
    outputModalities: [],
  },
  // perplexity sonar, gpt-4o-search-preview ("a specialized model for web search"), relace-search, o3-deep-research.
  search: {
    label: 'search or research agent',
    nameWords: ['search', 'sonar', 'research', 'deepresearch'],
    descriptionPhrases: ['model for web search'],
    outputModalities: [],
  },
  // gemini-*-image, gpt-5-image, gpt-audio, lyria: they generate images or audio.
  media: {
    label: 'image or audio generator',
    nameWords: [],
    descriptionPhrases: [],
    outputModalities: ['image', 'audio'],
  },
});

/** What a model is a specialist in, and the sign that said so. */
export interface SpecialistMatch {
  specialty: Specialty;
  /** e.g. `name word "coder"`, `description: "coding agent"`, `outputs "audio"`. */
  because: string;
}

type Evidence = Pick<CatalogModel, 'id' | 'name' | 'description' | 'outputModalities'>;

/**
 * The model's specialty, or undefined for a general model. Name words are checked first (for every
 * kind, in SPECIALTIES order), then the description's first sentence, then the output modalities.
 */
export function recogniseSpecialist(m: Evidence): SpecialistMatch | undefined {
  const names = nameWords(m);
  const first = firstSentence(m.description);
  // One pass per kind of evidence, strongest first: a name beats a description, which beats outputs.
  const passes: Array<(s: SpecialistSigns) => string | undefined> = [
    (s) => said('name word', s.nameWords.find((w) => names.has(w))),
    (s) => said('description:', s.descriptionPhrases.find((p) => first.includes(p))),
    (s) => said('outputs', s.outputModalities.find((o) => m.outputModalities.includes(o))),
  ];
  for (const pass of passes) {
    for (const specialty of SPECIALTIES) {
      const because = pass(SPECIALIST_SIGNS[specialty]);
      if (because) return { specialty, because };
    }
  }
  return undefined;
}

function said(what: string, sign: string | undefined): string | undefined {
  return sign === undefined ? undefined : `${what} "${sign}"`;
}

/** Words of the id's slug and of the name, vendor cut off both (a vendor is no evidence). */
function nameWords(m: Evidence): Set<string> {
  const slug = m.id.replace(/^[^/]*\//, '').replace(/:[^:]*$/, '');
  const name = m.name.replace(/^[^:]*:\s*/, '');
  return new Set(`${slug} ${name}`.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
}

/** The description up to its first full stop (or line break), lower-cased. */
function firstSentence(description: string | undefined): string {
  return (description ?? '').trim().split(/(?<=[.!?])\s+|\n/)[0]!.toLowerCase();
}

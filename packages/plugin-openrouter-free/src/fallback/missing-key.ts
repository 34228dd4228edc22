import { PoolConfigError } from '@freepool/free-model-pool';

/**
 * No OPENROUTER_API_KEY: the first minute of every new user. The agent starts (one start-up
 * warning says so), and a message gets a short notice in the conversation instead of an error
 * page: through the same reply path as the daily-cap notice, so the web chat, the messaging API
 * and any client show it, and the server answers without a 5xx.
 */

/** Where the key goes, in the words of an ElizaOS project (the CLI loads `.env` from the project folder). */
const WHERE = "the project's .env file (OPENROUTER_API_KEY=sk-or-v1-...) or the character's settings.secrets";

/** What the person in the conversation reads. */
export const MISSING_KEY_NOTICE = `This agent cannot answer yet: it has no OpenRouter API key. Set OPENROUTER_API_KEY in ${WHERE} and restart the agent. Free models need a key too; create one at https://openrouter.ai/keys.`;

/** The start-up warning, once per agent. */
export const MISSING_KEY_WARNING = `OPENROUTER_API_KEY is not set: the agent starts, but instead of answering it replies with a notice that the key is missing. Set OPENROUTER_API_KEY in ${WHERE} and restart the agent (free models need a key too; create one at https://openrouter.ai/keys).`;

/** A model call without a key. A PoolConfigError naming OPENROUTER_API_KEY, told apart by its name. */
export class MissingApiKeyError extends PoolConfigError {
  constructor(modelType: string) {
    super('OPENROUTER_API_KEY', `${modelType} cannot call OpenRouter: OPENROUTER_API_KEY is not set. Set it in ${WHERE} (free models need a key too; create one at https://openrouter.ai/keys).`);
    this.name = 'MissingApiKeyError';
  }
  static override isInstance(e: unknown): e is MissingApiKeyError {
    return PoolConfigError.isInstance(e) && e.name === 'MissingApiKeyError';
  }
}

// CONTRACT SKELETON: signatures are agreed across packages; the bodies are being written.
import type { ConnectionSettings, PoolDefinition, PoolPolicy } from '../settings.js';
import type { PoolStore } from '../state/store.js';
import type { ModelHealth, PoolOutcome, Tier } from '../types.js';
import type {
  ImageRequest,
  ObjectRequest,
  ObjectResult,
  PoolEventListener,
  PoolStream,
  TextRequest,
  TextResult,
} from './requests.js';

export interface FreeModelPoolOptions {
  connection: ConnectionSettings;
  pool: PoolDefinition;
  /** Partial overrides of DEFAULT_POLICY. */
  policy?: Partial<PoolPolicy>;
  /** Defaults to a new in-memory store. */
  store?: PoolStore;
  /** Clock and randomness are injectable so tests are deterministic. */
  now?: () => number;
  random?: () => number;
  onEvent?: PoolEventListener;
}

/**
 * The engine's front door: calls a tier of free models through the AI SDK (`maxRetries: 0`),
 * pacing the account, honouring the daily cap, cooling down and rotating past model failures.
 */
export declare class FreeModelPool {
  constructor(options: FreeModelPoolOptions);
  generateText(request: TextRequest): Promise<PoolOutcome<TextResult>>;
  generateObject<T = unknown>(request: ObjectRequest): Promise<PoolOutcome<ObjectResult<T>>>;
  describeImage(request: ImageRequest): Promise<PoolOutcome<TextResult>>;
  streamText(request: TextRequest): PoolStream;
  /** Reads GET /key and seeds the daily counter from `free_model_daily_requests`. */
  refreshAccountStatus(signal?: AbortSignal): Promise<void>;
  /** Replaces the pool (after a catalog refresh); clears `removed` marks. */
  setPool(pool: PoolDefinition): void;
  getPool(): PoolDefinition;
  /** Current health of every model of a tier, in pool order. */
  health(tier: Tier): Array<{ model: string; health: ModelHealth | undefined }>;
}

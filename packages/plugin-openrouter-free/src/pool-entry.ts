import type { IAgentRuntime } from '@elizaos/core';
import {
  FreeModelPool,
  FreeModelPoolError,
  loadDefaultPools,
  MemoryStore,
  processAccountBook,
  redactSecrets,
  type PoolStore,
} from '@freepool/free-model-pool';
import { healOnModelGone, refreshFromCatalog } from './catalog-refresh.js';
import { MISSING_KEY_WARNING, MissingApiKeyError } from './fallback/missing-key.js';
import { resolveSettings } from './config.js';
import { LOG_SOURCE } from './logging.js';
import { buildPoolDefinition, describeTiers } from './pool-definition.js';
import { getPoolEntry, setPoolEntry, type PoolEntry } from './pool-registry.js';
import { RuntimeCacheStore, poolStateCacheKey } from './state/runtime-cache-store.js';
import { openSharedState } from './state/shared-state.js';
import { accountFingerprint } from './state/sql-ledger.js';
import { requestLogFor } from './status/request-log.js';

// Each runtime's pool entry: its settings, its pool and the pool's saved state. Imports no model handler,
// so the handlers can import it without a cycle through init.ts, which registers TEXT_EMBEDDING.

const starting = new WeakMap<IAgentRuntime, Promise<PoolEntry>>();

/** The runtime's pool entry, creating it on first use (handlers called without init get one too). */
export function ensurePoolEntry(runtime: IAgentRuntime): Promise<PoolEntry> {
  const existing = getPoolEntry(runtime);
  if (existing) return Promise.resolve(existing);
  let pending = starting.get(runtime);
  if (!pending) {
    pending = createPoolEntry(runtime).finally(() => starting.delete(runtime));
    starting.set(runtime, pending);
  }
  return pending;
}

async function createPoolEntry(runtime: IAgentRuntime): Promise<PoolEntry> {
  const settings = resolveSettings(runtime, (m) => runtime.logger.warn({ src: LOG_SOURCE }, m));
  const entry: PoolEntry = { settings, gone: new Set() };

  if (!settings.apiKey) {
    runtime.logger.warn({ src: LOG_SOURCE }, MISSING_KEY_WARNING);
    setPoolEntry(runtime, entry);
    return entry;
  }

  const built = buildPoolDefinition(loadDefaultPools({ allowSpecialists: settings.allowSpecialists }), settings);
  // Every agent on this key, in any process or machine pointed at the same database, shares the
  // account window, the daily counter and model health (OPENROUTER_STATE_URL, else the agent's own database).
  const shared = await openSharedState(runtime, settings, {
    warn: (m) => runtime.logger.warn({ src: LOG_SOURCE }, m),
    info: (m) => runtime.logger.info({ src: LOG_SOURCE }, m),
  });
  entry.pool = new FreeModelPool({
    connection: {
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      httpReferer: settings.httpReferer,
      appTitle: settings.appTitle,
    },
    pool: built.definition,
    policy: settings.policy,
    allowPaidModels: settings.allowPaid,
    ...(settings.lastResort ? { lastResort: settings.lastResort } : {}),
    // What each agent learned about the models survives a restart in its database unless
    // OPENROUTER_PERSIST_STATE=false. Agents of this process on the same key pace and count against
    // one account (the fleet's, below, when there is a database; this one while it is away).
    store: await openStateStore(runtime, entry),
    accountBook: processAccountBook(accountFingerprint(settings.baseURL, settings.apiKey)),
    ...(shared
      ? {
          shared: {
            ledger: shared.ledger,
            policy: { timeoutMs: settings.sharedState.timeoutMs, retryMs: settings.sharedState.retryMs },
            warn: shared.warn,
            info: shared.info,
          },
        }
      : {}),
    onEvent: (event) => {
      requestLogFor(runtime).record(event); // the status route's request history
      healOnModelGone(runtime, entry, event);
    },
  });

  // Start-up work, each bounded by the catalog timeout, so handlers start on the refreshed pool and
  // a daily cap already reached fails fast from the first request.
  if (!settings.catalogRefresh) for (const note of built.notes) runtime.logger.warn({ src: LOG_SOURCE }, note);
  await Promise.all([
    settings.catalogRefresh ? refreshFromCatalog(runtime, entry, 'start-up') : undefined,
    readAccountStatus(runtime, entry),
  ]);

  if (shared) entry.sharedState = { where: shared.where, kind: shared.kind };
  if (shared) {
    // What is not yet written to the shared state goes out before the agent stops, like the saved state.
    const flushStore = entry.flushState;
    const account = entry.pool.account;
    entry.flushState = async () => {
      await account.flush();
      await flushStore?.();
    };
  }
  setPoolEntry(runtime, entry);
  runtime.logger.info(
    { src: LOG_SOURCE },
    `free-model pool ready at ${settings.baseURL}: ${describeTiers(entry.pool.getPool())}` +
      (settings.embeddingModel ? `; embeddings via ${settings.embeddingModel}` : '') +
      (shared ? `; account and model health shared through ${shared.where}` : ''),
  );
  return entry;
}

/**
 * Seeds the daily counter from GET /key. A rejected key is worth a warning now rather than at the
 * first message; anything else (old servers without the field, a slow network) only a debug line.
 */
async function readAccountStatus(runtime: IAgentRuntime, entry: PoolEntry): Promise<void> {
  if (!entry.pool) return;
  try {
    await entry.pool.refreshAccountStatus(AbortSignal.timeout(entry.settings.catalogTimeoutMs));
  } catch (error) {
    const message = redactSecrets(error instanceof Error ? error.message : String(error), [entry.settings.apiKey]);
    if (FreeModelPoolError.isInstance(error) && (error.reason === 'auth' || error.reason === 'billing')) {
      runtime.logger.warn({ src: LOG_SOURCE }, `OpenRouter refused the account status check; model calls will fail too: ${message}`);
    } else {
      runtime.logger.debug({ src: LOG_SOURCE }, `account status not available: ${message}`);
    }
  }
}

/**
 * The entry's pool, once the state an earlier run saved is loaded; throws a clear error when
 * OPENROUTER_API_KEY is missing.
 */
export async function readyPool(entry: PoolEntry, modelType: string): Promise<FreeModelPool> {
  if (!entry.pool) throw missingKeyError(modelType);
  await entry.stateLoaded;
  return entry.pool;
}

export function missingKeyError(modelType: string): MissingApiKeyError {
  return new MissingApiKeyError(modelType);
}

/** The runtime's own pool state: in its database cache, or in memory when persistence is off. */
async function openStateStore(runtime: IAgentRuntime, entry: PoolEntry): Promise<PoolStore> {
  if (!entry.settings.persistState) return new MemoryStore();
  const store = await RuntimeCacheStore.open(runtime, poolStateCacheKey(entry.settings.baseURL), (m) =>
    runtime.logger.warn({ src: LOG_SOURCE }, m),
  );
  entry.stateLoaded = store.whenLoaded();
  entry.flushState = () => store.flush();
  return store;
}

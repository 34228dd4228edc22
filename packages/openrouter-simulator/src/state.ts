/** Everything one running simulator knows, shared by the route handlers. */
import { AccountLimits, ModelWindows } from './account-limits.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { FailureQueue } from './failure-queue.js';
import { createRandom, type Random } from './prng.js';
import type { Scenario } from './scenario.js';
import { StatsRecorder } from './stats.js';

export const DEFAULT_SEED = 1;

export class SimState {
  readonly byId: Map<string, CatalogEntry>;
  readonly queue = new FailureQueue();
  readonly stats = new StatsRecorder();
  /** Pending waits (latency, hung calls), ended on close so nothing outlives the server. */
  private readonly pending = new Set<() => void>();
  scenario!: Scenario;
  random!: Random;
  account!: AccountLimits;
  modelWindows!: ModelWindows;

  constructor(
    readonly catalog: Catalog,
    scenario: Scenario,
    readonly now: () => number,
    readonly apiKey: string | undefined,
  ) {
    this.byId = new Map(catalog.data.map((m) => [m.id, m]));
    this.applyScenario(scenario);
  }

  /** Replaces the scenario and starts its quotas, windows and PRNG afresh (queue and stats stay). */
  applyScenario(scenario: Scenario): void {
    this.scenario = scenario;
    this.random = createRandom(scenario.seed ?? DEFAULT_SEED);
    this.account = new AccountLimits(scenario.account ?? {}, this.now, scenario.errorDialect);
    this.modelWindows = new ModelWindows(this.now);
  }

  /** Waits `ms`, or less if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends every pending wait now. */
  wakeAll(): void {
    for (const done of [...this.pending]) done();
  }
}

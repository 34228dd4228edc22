/**
 * Call counts so tests can assert exactly how many calls reached the server and how each ended.
 *
 * One record per model attempt: a request with `models: [a, b]` that falls back from a to b makes
 * two records. Requests refused before any model is tried (auth, bad body, models cap, unknown id)
 * make one record under the first requested model id.
 *
 * Status keys: the HTTP status as a string ("200", "429", "404", ...), except for failures that
 * arrive with HTTP 200:
 * - "200-error"        top-level `error` object in a 200 body (and a stream that only carries an error event)
 * - "200-finish-error" `choices[0].finish_reason: "error"` with `choices[0].error`
 * - "200-stream-error" a stream that sent content and then the mid-stream error event
 * - "200-stall"        a stream that sent its first chunk and then hung (failNext 'stall_after_first_chunk')
 * - "timeout"          the call hung (failNext 'timeout') until the client gave up
 */

import type { ReasoningRequest } from './request.js';

export interface CallRecord {
  /** The model id this attempt was for (as requested, e.g. `openrouter/free`). */
  model: string;
  status: string;
  /** 'ok' or the failure kind (a FailureKind, or 'auth', 'bad_request', 'models_cap', 'unknown_model',
   * 'image_unsupported', 'bad_image', 'daily_429', 'per_minute_429'). */
  kind: string;
  /** Epoch ms from the simulator's clock. */
  at: number;
  stream: boolean;
  /** For `openrouter/free`: the concrete model that answered. */
  servedBy?: string;
  /** The request's `reasoning` parameter as it arrived (also from `reasoning_effort` / `include_reasoning`). */
  reasoning?: ReasoningRequest;
}

export interface ModelStats {
  calls: number;
  byStatus: Record<string, number>;
}

export interface SimulatorStats {
  /** Model attempts (see above). */
  total: number;
  /** Every HTTP request the simulator received, whatever it asked for: catalog, key, chat, a wrong path. */
  requests: number;
  /** Those requests by method and path, e.g. `GET /api/v1/key`. */
  byEndpoint: Record<string, number>;
  byModel: Record<string, ModelStats>;
  byStatus: Record<string, number>;
  calls: CallRecord[];
}

export class StatsRecorder {
  private records: CallRecord[] = [];
  private endpoints: Record<string, number> = {};

  record(rec: CallRecord): void {
    this.records.push(rec);
  }

  /** One HTTP request arrived (before it is routed). */
  request(method: string, path: string): void {
    const key = `${method} ${path}`;
    this.endpoints[key] = (this.endpoints[key] ?? 0) + 1;
  }

  reset(): void {
    this.records = [];
    this.endpoints = {};
  }

  snapshot(): SimulatorStats {
    const byModel: Record<string, ModelStats> = {};
    const byStatus: Record<string, number> = {};
    for (const r of this.records) {
      const m = (byModel[r.model] ??= { calls: 0, byStatus: {} });
      m.calls++;
      m.byStatus[r.status] = (m.byStatus[r.status] ?? 0) + 1;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    }
    const byEndpoint = { ...this.endpoints };
    const requests = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
    const calls = this.records.map((r) => ({ ...r, ...(r.reasoning ? { reasoning: { ...r.reasoning } } : {}) }));
    return { total: this.records.length, requests, byEndpoint, byModel, byStatus, calls };
  }
}

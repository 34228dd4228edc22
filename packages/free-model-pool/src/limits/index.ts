export { AccountPacer, type ReserveResult } from './account-pacer.js';
export {
  boundWindow,
  acceptedInWindow,
  confirmedAfterAccepted,
  countWindow,
  decideSlot,
  keptFor,
  learnMinuteLimit,
  onWindowBoundary,
  windowKindFrom,
  type SentCall,
  windowStartAt,
  type MinuteLimitPolicy,
  type SlotDecision,
  type WindowClock,
} from './account-window.js';
export { DailyQuota, type DailyCheck, type KeyDailyStatus } from './daily-quota.js';
export { CooldownLadder } from './cooldown-ladder.js';
export { HEALTH_EWMA_ALPHA, initialHealth, isAvailable, recordSuccess, recordFailure } from './model-health.js';
export { nextUtcMidnight, sleep, sleepUnlessAborted, sleepUntilSettled, abortReason } from './time.js';
export {
  callsInWindow,
  capacityBlock,
  currentCapacity,
  forgetCall,
  learnFromRateLimit,
  learnFromSuccess,
  recordCallSent,
  restoreAfterOutage,
  statedCapacity,
  type CapacityPolicy,
} from './model-capacity.js';
export { WaitQueue, type WaitRank } from './wait-queue.js';
export { expectedFirstTokenMs, isSlow, recordLatency, recordTooSlow, type LatencyPolicy } from './model-latency.js';

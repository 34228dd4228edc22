import { describe, expect, it } from 'vitest';
import { AccountBook } from '../../src/account/index.js';
import { MemoryStore } from '../../src/state/index.js';

describe('MemoryStore', () => {
  it('stores copies, lists health and forgets removed models', () => {
    const s = new MemoryStore();
    const h = { cooldownUntil: 0, consecutiveFailures: 0, removed: false, updatedAt: 1 };
    s.setModelHealth('a/b:free', h);
    s.setModelHealth('c/d:free', { ...h, removed: true });
    h.consecutiveFailures = 99;
    expect(s.getModelHealth('a/b:free')!.consecutiveFailures).toBe(0);
    expect(s.listModelHealth().map(([id]) => id).sort()).toEqual(['a/b:free', 'c/d:free']);
    s.clearRemoved();
    expect(s.listModelHealth().map(([id]) => id)).toEqual(['a/b:free']);
  });

  it('an account book keeps copies of the window and the day', () => {
    const s = new AccountBook();
    s.setAccountWindow({ limit: 20, sentAt: [1, 2], blockedUntil: 0 });
    s.getAccountWindow()!.sentAt.push(3);
    expect(s.getAccountWindow()!.sentAt).toEqual([1, 2]);
    s.setDaily({ exhaustedUntil: 5, limit: 50 });
    expect(s.getDaily()).toEqual({ exhaustedUntil: 5, limit: 50 });
  });
});

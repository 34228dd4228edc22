import { describe, expect, it } from 'vitest';
import { effortFor, lowerEffort } from '../../src/pool/reasoning/effort.js';

const OSS = { mandatory: true, efforts: ['high', 'medium', 'low'] as const, defaultEffort: 'medium' as const };
const OPTIONAL = { mandatory: false };

describe('effortFor: what goes on the wire', () => {
  it('nothing for a model the catalog does not list as reasoning, or for "default"', () => {
    expect(effortFor(undefined, 'low')).toBeUndefined();
    expect(effortFor(OPTIONAL, 'default')).toBeUndefined();
    expect(effortFor(OPTIONAL, undefined)).toBeUndefined();
  });

  it('any effort for a model that accepts any', () => {
    expect(effortFor(OPTIONAL, 'minimal')).toBe('minimal');
    expect(effortFor(OPTIONAL, 'none')).toBe('none');
  });

  it('an effort outside supported_efforts becomes the nearest one below it, else the nearest above', () => {
    const m = { ...OSS, efforts: [...OSS.efforts] };
    expect(effortFor(m, 'xhigh')).toBe('high');
    expect(effortFor(m, 'medium')).toBe('medium');
    expect(effortFor(m, 'minimal')).toBe('low');
  });

  it('never none when reasoning is mandatory: the lowest accepted effort instead', () => {
    expect(effortFor({ ...OSS, efforts: [...OSS.efforts] }, 'none')).toBe('low');
    expect(effortFor({ mandatory: true }, 'none')).toBe('minimal');
  });

  it('thinking less: each step lowers the effort, down to the lowest the model allows', () => {
    expect(lowerEffort('high', 2)).toBe('low');
    expect(effortFor(OPTIONAL, 'low', 1)).toBe('minimal');
    expect(effortFor(OPTIONAL, 'low', 5)).toBe('none');
    expect(effortFor({ ...OSS, efforts: [...OSS.efforts] }, 'medium', 3)).toBe('low');
  });
});

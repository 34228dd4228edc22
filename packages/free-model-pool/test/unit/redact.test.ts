import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/failures/index.js';

describe('redaction output shape', () => {
  it('an Authorization header value is redacted once, cleanly', () => {
    expect(redactSecrets('Authorization: Bearer sk-or-v1-FAKE-test-key-0000')).toBe('Authorization: [REDACTED]');
    expect(redactSecrets('token Bearer abc123 used')).toBe('token Bearer [REDACTED] used');
    expect(redactSecrets('key=sk-or-v1-FAKE-test-key-0000.')).toBe('key=[REDACTED].');
  });
});

import { describe, expect, it } from 'vitest';
import { RowParseError, requireOneOf } from '../src/mappers/column-parsers.js';

const STATES = ['pending', 'delivered', 'failed'] as const;

describe('requireOneOf', () => {
  it('gives back the allowed value a text column holds, also when the driver hands it over as bytes', () => {
    expect(requireOneOf('t.state', STATES, 'delivered')).toBe('delivered');
    expect(requireOneOf('t.state', STATES, Buffer.from('failed'))).toBe('failed');
  });

  it('refuses any other value, naming the column, the value and what is allowed', () => {
    expect(() => requireOneOf('t.state', STATES, 'sent')).toThrow(
      new RowParseError('t.state', 'sent', 'one of pending, delivered, failed'),
    );
    expect(() => requireOneOf('t.state', STATES, 'sent')).toThrow(
      'Column t.state holds "sent", expected one of pending, delivered, failed.',
    );
    expect(() => requireOneOf('t.state', STATES, null)).toThrow(RowParseError);
    expect(() => requireOneOf('t.state', STATES, 'Pending')).toThrow(RowParseError);
  });
});

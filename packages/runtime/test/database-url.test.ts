import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../src/database-url.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:./data/steptrail.db', { kind: 'sqlite', path: '/srv/app/data/steptrail.db' }],
    ['sqlite:data.db', { kind: 'sqlite', path: '/srv/app/data.db' }],
    ['sqlite:/var/lib/steptrail.db', { kind: 'sqlite', path: '/var/lib/steptrail.db' }],
    ['sqlite:///var/lib/steptrail.db', { kind: 'sqlite', path: '/var/lib/steptrail.db' }],
    ['postgres://u:p@db:5432/app', { kind: 'postgres', url: 'postgres://u:p@db:5432/app' }],
    ['postgresql://db/app', { kind: 'postgres', url: 'postgresql://db/app' }],
    ['mysql://root@db:3306/app', { kind: 'mysql', url: 'mysql://root@db:3306/app' }],
    ['mariadb://root@db:3306/app', { kind: 'mysql', url: 'mysql://root@db:3306/app' }],
  ])('%s selects the right adapter', (input, expected) => {
    const parsed = parseDatabaseUrl(input, '/srv/app');
    expect(parsed.ok && parsed.value).toMatchObject(expected);
  });

  it.each(['sqlite:', 'sqlite::memory:', 'redis://localhost', 'not a url'])(
    '%s is refused with the allowed forms listed',
    (input) => {
      const parsed = parseDatabaseUrl(input, '/srv/app');
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error.message).toContain('postgres://');
    },
  );

  it('hides the password in the display form', () => {
    const parsed = parseDatabaseUrl('postgres://user:secret@db/app', '/');
    expect(parsed.ok && parsed.value.display).toBe('postgres://user:***@db/app');
  });
});

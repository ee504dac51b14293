import { describe, expect, it } from 'vitest';
import { parseMysqlUrl } from '../src/data-source.js';

describe('parseMysqlUrl', () => {
  it('reads host, port, user, password and database, decoding percent-escapes', () => {
    expect(parseMysqlUrl('mysql://st%40app:p%3Ass%2Fw@db.example:3307/steptrail')).toEqual({
      host: 'db.example',
      port: 3307,
      username: 'st@app',
      password: 'p:ss/w',
      database: 'steptrail',
    });
  });

  it('defaults to port 3306 and an empty password, and accepts mariadb:// and IPv6 hosts', () => {
    expect(parseMysqlUrl('mariadb://root@[::1]/st')).toEqual({
      host: '::1',
      port: 3306,
      username: 'root',
      password: '',
      database: 'st',
    });
  });

  it('refuses a URL without a database or with another scheme', () => {
    expect(() => parseMysqlUrl('mysql://root@localhost:3306/')).toThrow(/names no database/);
    expect(() => parseMysqlUrl('postgres://root@localhost/st')).toThrow(/mysql:\/\//);
  });
});

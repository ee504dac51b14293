import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RunAs } from './child-process.js';

/** True when this process runs as root, where PostgreSQL refuses to start unless we switch user. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The system user to run a server as when we are root, created if the distribution package did not
 * create it (a server built from source, say). Null when we are not root: then we run servers as ourselves.
 */
export function serverUser(name: string): RunAs | null {
  if (!isRoot()) return null;
  const existing = lookUpUser(name);
  if (existing !== null) return existing;
  execFileSync(
    'useradd',
    ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name],
    {
      stdio: 'pipe',
    },
  );
  const created = lookUpUser(name);
  if (created === null) throw new Error(`useradd reported success but user ${name} is not in /etc/passwd`);
  return created;
}

function lookUpUser(name: string): RunAs | null {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

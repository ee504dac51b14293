import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { numberedName } from './safe-name.js';

const MAX_NAMES = 1000;

/**
 * Moves `source` into `dir` under `name` (or `name-2`, `name-3`, ... when taken) without ever overwriting a file
 * and without a moment where a half-written file is visible: a hard link is atomic and fails on an existing
 * name; the source is unlinked after. Across filesystems the content is first copied to a temp file in `dir`.
 * `beforeLink` is called with each name before it is tried, so a caller can record its intent durably.
 */
export async function moveAtomically(options: {
  source: string;
  dir: string;
  name: string;
  beforeLink?: (name: string, path: string) => Promise<void>;
}): Promise<{ path: string; name: string }> {
  await mkdir(options.dir, { recursive: true });
  const staged = await stageOnSameDevice(options.source, options.dir);
  try {
    const stored = await linkUnderFreeName(staged.path, options);
    await unlink(options.source).catch(() => undefined);
    return stored;
  } finally {
    if (staged.temporary) await rm(staged.path, { force: true });
  }
}

/** True when both paths name the same file (a hard link made by an interrupted move). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

async function linkUnderFreeName(
  staged: string,
  options: { dir: string; name: string; beforeLink?: (name: string, path: string) => Promise<void> },
): Promise<{ path: string; name: string }> {
  for (let n = 1; n <= MAX_NAMES; n += 1) {
    const name = numberedName(options.name, n);
    const path = join(options.dir, name);
    await options.beforeLink?.(name, path);
    try {
      await link(staged, path);
      return { path, name };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`No free name for ${options.name} in ${options.dir} after ${MAX_NAMES} tries.`);
}

async function stageOnSameDevice(source: string, dir: string): Promise<{ path: string; temporary: boolean }> {
  const [from, to] = await Promise.all([stat(source), stat(dir)]);
  if (from.dev === to.dev) return { path: source, temporary: false };
  const temp = join(dir, `.incoming-${randomBytes(6).toString('hex')}`);
  await copyFile(source, temp);
  return { path: temp, temporary: true };
}

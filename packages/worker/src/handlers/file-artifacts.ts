import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';

/**
 * A file's working folder in the shared work directory: what one step leaves for the next (which may run on
 * another worker). Every write is atomic (temp file + rename), so a step that dies half-way leaves either the old
 * artifact or the new one, never a torn one.
 */
export class FileArtifacts {
  constructor(readonly dir: string) {}

  static forFile(workDir: string, fileId: number): FileArtifacts {
    return new FileArtifacts(join(workDir, String(fileId)));
  }

  path(name: string): string {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name))
      throw new Error(`Invalid artifact name ${JSON.stringify(name)}`);
    return join(this.dir, name);
  }

  async exists(name: string): Promise<boolean> {
    return stat(this.path(name)).then(
      () => true,
      (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
    );
  }

  async readText(name: string): Promise<string | null> {
    return readFile(this.path(name), 'utf8').catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? null : Promise.reject(error),
    );
  }

  /** The artifact parsed by `schema`, or null when it is absent. A malformed artifact throws. */
  async readJson<T>(name: string, schema: z.ZodType<T>): Promise<T | null> {
    const text = await this.readText(name);
    if (text === null) return null;
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`Artifact ${this.path(name)} is malformed: ${parsed.error.message}`);
    return parsed.data;
  }

  async writeText(name: string, text: string | Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.path(name);
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, text);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await this.writeText(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** A temp path in the artifact folder, for a producer that writes a file itself; publish it with `publish`. */
  async tempPath(name: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return `${this.path(name)}.${randomBytes(6).toString('hex')}.tmp`;
  }

  async publish(tempPath: string, name: string): Promise<void> {
    await rename(tempPath, this.path(name));
  }

  async remove(name: string): Promise<void> {
    await rm(this.path(name), { force: true });
  }
}

import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DestinationConfigOf } from './destination-config.js';
import type { Destination } from './destination.js';

/** A folder: copy to a temp name beside the target, then rename, so readers never see a partial file. */
export class LocalDestination implements Destination {
  readonly type = 'local';
  readonly name: string;

  constructor(private readonly config: DestinationConfigOf<'local'>) {
    this.name = config.name;
  }

  async upload(localPath: string, remoteName: string, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    await mkdir(this.config.path, { recursive: true });
    const target = join(this.config.path, remoteName);
    const temp = join(this.config.path, `.${remoteName}.${randomBytes(6).toString('hex')}.part`);
    try {
      await copyFile(localPath, temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return target;
  }
}

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type WebDAVClient } from 'webdav';
import { PermanentError } from '../engine/permanent-error.js';
import type { DestinationConfigOf } from './destination-config.js';
import type { Destination } from './destination.js';

/** A WebDAV collection (Nextcloud, ownCloud, ...): PUT to a temp name, then MOVE over the target. */
export class WebdavDestination implements Destination {
  readonly type = 'webdav';
  readonly name: string;
  private readonly client: WebDAVClient;

  constructor(private readonly config: DestinationConfigOf<'webdav'>) {
    this.name = config.name;
    this.client = createClient(config.url, {
      ...(config.username === undefined ? {} : { username: config.username }),
      ...(config.password === undefined ? {} : { password: config.password }),
    });
  }

  async upload(localPath: string, remoteName: string, signal: AbortSignal): Promise<string> {
    const dir = posix.join('/', this.config.directory);
    const target = posix.join(dir, remoteName);
    const temp = posix.join(dir, `.${remoteName}.${randomBytes(6).toString('hex')}.part`);
    const { size } = await stat(localPath);
    try {
      if (dir !== '/') await this.client.createDirectory(dir, { recursive: true, signal });
      await this.client.putFileContents(temp, createReadStream(localPath), {
        contentLength: size,
        overwrite: true,
        signal,
      });
      await this.client.moveFile(temp, target, { overwrite: true, signal });
    } catch (error) {
      const status =
        typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : NaN;
      if (status === 401 || status === 403) {
        throw new PermanentError(`The WebDAV server refused the upload (HTTP ${status}).`, { cause: error });
      }
      throw error;
    }
    return new URL(
      target.replace(/^\//, ''),
      this.config.url.endsWith('/') ? this.config.url : `${this.config.url}/`,
    ).toString();
  }
}

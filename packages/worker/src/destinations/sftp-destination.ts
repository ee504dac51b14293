import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { PermanentError } from '../engine/permanent-error.js';
import type { DestinationConfigOf } from './destination-config.js';
import type { Destination } from './destination.js';

/** An SSH server's SFTP subsystem: upload to a temp name, then an atomic POSIX rename over the target. */
export class SftpDestination implements Destination {
  readonly type = 'sftp';
  readonly name: string;

  constructor(private readonly config: DestinationConfigOf<'sftp'>) {
    this.name = config.name;
  }

  async upload(localPath: string, remoteName: string, signal: AbortSignal): Promise<string> {
    const { config } = this;
    const client = new SftpClient(`steptrail-${config.name}`);
    const closeOnAbort = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', closeOnAbort, { once: true });
    try {
      await client.connect({
        host: config.host,
        port: config.port,
        username: config.username,
        readyTimeout: 20_000,
        ...(config.password === undefined ? {} : { password: config.password }),
        ...(config.privateKey === undefined ? {} : { privateKey: config.privateKey }),
        ...(config.hostKeySha256 === undefined
          ? {}
          : { hostVerifier: (key: Buffer) => fingerprintMatches(key, config.hostKeySha256 ?? '') }),
      });
      await client.mkdir(config.directory, true);
      const target = posix.join(config.directory, remoteName);
      const temp = posix.join(config.directory, `.${remoteName}.${randomBytes(6).toString('hex')}.part`);
      await client.fastPut(localPath, temp);
      await client.posixRename(temp, target);
      return `sftp://${config.username}@${config.host}:${config.port}/${target.replace(/^\//, '')}`;
    } catch (error) {
      signal.throwIfAborted();
      const message = error instanceof Error ? error.message : String(error);
      if (/authentication|host key|hostVerifier|verification failed/i.test(message)) {
        throw new PermanentError(`The SFTP server refused the connection: ${message}`, { cause: error });
      }
      throw error;
    } finally {
      signal.removeEventListener('abort', closeOnAbort);
      await client.end().catch(() => undefined);
    }
  }
}

/** Compares the host key with a SHA-256 fingerprint in `ssh-keygen -lf` form (SHA256:base64) or hex. */
export function fingerprintMatches(key: Buffer, expected: string): boolean {
  const digest = createHash('sha256').update(key).digest();
  const wanted = expected.replace(/^SHA256:/, '').replace(/=+$/, '');
  return (
    wanted === digest.toString('base64').replace(/=+$/, '') || wanted.toLowerCase() === digest.toString('hex')
  );
}

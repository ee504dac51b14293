import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** An upload written to a temporary file: commit() moves it to its content address, discard() removes it. */
export interface IncomingBlob {
  sha256: string;
  size: number;
  commit(): Promise<string>;
  discard(): Promise<void>;
}

/**
 * Content-addressed storage: a file lives at `<root>/<first two hex digits>/<sha-256>`. Uploads stream to
 * `<root>/.incoming` while being hashed and are renamed into place (atomic on one file system), so a reader never
 * sees a partial file and the same content is stored once.
 */
export class ContentStore {
  private readonly incoming: string;

  constructor(readonly root: string) {
    this.incoming = join(root, '.incoming');
  }

  pathFor(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async receive(source: Readable): Promise<IncomingBlob> {
    await mkdir(this.incoming, { recursive: true });
    const temporary = join(this.incoming, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      // flush: fsync before close, so a file renamed into place is on disk.
      await pipeline(source, tap, createWriteStream(temporary, { flags: 'wx', mode: 0o640, flush: true }));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    return {
      sha256,
      size,
      commit: async () => {
        const target = this.pathFor(sha256);
        await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
        await rename(temporary, target);
        return target;
      },
      discard: () => rm(temporary, { force: true }),
    };
  }
}

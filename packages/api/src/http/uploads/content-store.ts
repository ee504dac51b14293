import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** An upload written to a temporary file: commit() moves it to its content address, discard() removes it. */
export interface IncomingBlob {
  sha256: string;
  size: number;
  /** Puts the blob at its content address; `created` is false when identical content was already stored. */
  commit(): Promise<CommittedBlob>;
  discard(): Promise<void>;
}

export interface CommittedBlob {
  path: string;
  created: boolean;
  /** Removes the stored blob when this upload created it (its registration failed); keeps shared content. */
  undo(this: void): Promise<void>;
}

/**
 * Content-addressed storage: a file lives at `<root>/<first two hex digits>/<sha-256>`. Uploads stream to
 * `<root>/.incoming` while being hashed and are linked into place (atomic on one file system), so a reader never
 * sees a partial file and the same content is stored once.
 */
export class ContentStore {
  readonly incoming: string;

  constructor(readonly root: string) {
    this.incoming = join(root, '.incoming');
  }

  pathFor(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Start-up check: the directories exist and a file can be written and removed, so an unusable STORAGE_DIR
   * stops the process instead of failing every upload later.
   */
  async checkWritable(): Promise<void> {
    const probe = join(this.incoming, `.probe-${randomUUID()}`);
    try {
      await mkdir(this.incoming, { recursive: true });
      await writeFile(probe, 'steptrail', { flag: 'wx', mode: 0o600 });
      await unlink(probe);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`STORAGE_DIR ${this.root} is not writable: ${reason}`, { cause: error });
    }
  }

  /**
   * Streams `source` to a temporary file while hashing it. On any failure (the client went away, the body was
   * malformed, the disk is full) the file is closed and removed before this rejects. Only a complete upload is
   * synced to disk: a discarded one costs no fsync, so its cleanup is quick on a busy disk.
   */
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
    // Opened before anything streams: a failure can never race the file's creation.
    const handle = await open(temporary, 'wx', 0o640);
    const sink = handle.createWriteStream({ autoClose: false });
    let failure: { error: unknown } | null = null;
    try {
      await pipeline(source, tap, sink);
      // On disk before it is linked into place.
      await handle.sync();
    } catch (error) {
      failure = { error };
    } finally {
      // The stream holds the handle until destroyed (autoClose is off, so destroying it leaves the closing to us).
      sink.destroy();
      await handle.close();
    }
    if (failure !== null) {
      await rm(temporary, { force: true });
      throw failure.error;
    }
    const sha256 = hash.digest('hex');
    return {
      sha256,
      size,
      commit: () => this.commit(temporary, sha256),
      discard: () => rm(temporary, { force: true }),
    };
  }

  private async commit(temporary: string, sha256: string): Promise<CommittedBlob> {
    const path = this.pathFor(sha256);
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    let created = true;
    try {
      // link (not rename) tells whether this upload created the stored copy: EEXIST means it was there before.
      await link(temporary, path);
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
      created = false;
    } finally {
      await rm(temporary, { force: true });
    }
    // An identical upload registered meanwhile by another request would lose its blob to undo(); that takes two
    // uploads of the same bytes at once and a database that fails for one of them only.
    return { path, created, undo: () => (created ? rm(path, { force: true }) : Promise.resolve()) };
  }
}

const isCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === code;

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PermanentError } from '../engine/permanent-error.js';
import { HASH } from '../documents/artifacts.js';
import { success, type StepHandler } from '../handlers/step-handler.js';

/** Streams the content through SHA-256 (constant memory for any size) and checks it against the registered hash. */
export function hashFileStep(): StepHandler {
  return {
    stepName: 'hash_file',
    async run({ file, sourcePath, artifacts, signal }) {
      const hash = createHash('sha256');
      let size = 0;
      try {
        await pipeline(
          createReadStream(sourcePath),
          async (chunks: AsyncIterable<Buffer>) => {
            for await (const chunk of chunks) {
              size += chunk.length;
              hash.update(chunk);
            }
          },
          { signal },
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new PermanentError(`The uploaded content is missing from storage (${sourcePath}).`, {
            cause: error,
          });
        }
        throw error;
      }
      const sha256 = hash.digest('hex');
      // Content-addressed uploads carry their hash; a different one means the stored bytes changed.
      if (/^[0-9a-f]{64}$/i.test(file.filehash) && file.filehash.toLowerCase() !== sha256) {
        throw new PermanentError(
          `The stored content's SHA-256 ${sha256} differs from the registered ${file.filehash}.`,
        );
      }
      await artifacts.writeJson(HASH, { sha256, size });
      return success(`SHA-256 ${sha256} (${size} bytes)`);
    },
  };
}

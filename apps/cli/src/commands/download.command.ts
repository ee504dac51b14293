import { createWriteStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DownloadKind, SteptrailClient } from '@steptrail/client';
import type { Io } from '../io.js';

/** A local file that already exists: the download never replaces one without --force. */
export class WouldOverwrite extends Error {}

/**
 * `steptrail download <id> [--processed] [-o path|-] [--force]`: saves a file's original (or its processed document)
 * under the name the API offers, in the current folder, or at `--output`; `-o -` writes the bytes to stdout.
 */
export async function downloadCommand(
  client: SteptrailClient,
  fileId: number,
  options: { kind: DownloadKind; output?: string; force: boolean; json: boolean },
  io: Io,
): Promise<void> {
  const download = await client.download(fileId, options.kind);
  const body = () => Readable.fromWeb(download.body as Parameters<typeof Readable.fromWeb>[0]);
  if (options.output === '-') {
    await pipeline(body(), io.stdout);
    return;
  }
  const path = resolve(io.cwd, options.output ?? localName(download.name, fileId));
  let sink: Writable;
  try {
    // 'wx' fails when the file exists, so two downloads never write into one file.
    sink = createWriteStream(path, { flags: options.force ? 'w' : 'wx' });
    await new Promise<void>((ready, failed) => sink.once('open', () => ready()).once('error', failed));
  } catch (error) {
    await download.body.cancel();
    if (isCode(error, 'EEXIST')) throw new WouldOverwrite(`${path} exists; pass --force to replace it.`);
    throw error;
  }
  await pipeline(body(), sink);
  const saved = {
    fileId,
    kind: options.kind,
    path,
    name: download.name,
    size: download.size,
    contentType: download.contentType,
  };
  if (options.json) io.out(`${JSON.stringify(saved)}\n`);
  else
    io.out(
      `File ${fileId}: saved the ${options.kind === 'original' ? 'original' : 'processed document'} as ${path}${download.size === null ? '' : ` (${download.size} bytes)`}.\n`,
    );
}

/** The offered name as a plain file name in the current folder: no folders, no control characters. */
function localName(offered: string, fileId: number): string {
  const printable = [...offered].map((char) => (char.charCodeAt(0) < 0x20 || char === '\u007f' ? '_' : char));
  const name = basename(printable.join('').replace(/\\/g, '/')).trim();
  return name === '' || name === '.' || name === '..' ? `file-${fileId}` : name;
}

const isCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === code;

import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { PermanentError } from '../engine/permanent-error.js';
import type { DestinationConfigOf } from './destination-config.js';
import type { Destination } from './destination.js';

// /2/files/upload takes at most 150 MiB; larger files need upload sessions, which this destination does not do.
const MAX_SINGLE_UPLOAD = 150 * 1024 * 1024;

/** Dropbox's HTTP API (files/upload, overwrite mode); the base URLs are configurable for proxies and tests. */
export class DropboxDestination implements Destination {
  readonly type = 'dropbox';
  readonly name: string;

  constructor(private readonly config: DestinationConfigOf<'dropbox'>) {
    this.name = config.name;
  }

  async upload(localPath: string, remoteName: string, signal: AbortSignal): Promise<string> {
    const { size } = await stat(localPath);
    if (size > MAX_SINGLE_UPLOAD) {
      throw new PermanentError(
        `${remoteName} is ${size} bytes; the Dropbox destination uploads at most 150 MiB per file.`,
      );
    }
    const path = posix.join('/', this.config.directory, remoteName);
    const response = await fetch(new URL('/2/files/upload', this.config.contentBaseUrl), {
      method: 'POST',
      signal,
      headers: {
        Authorization: `Bearer ${this.config.accessToken}`,
        'Content-Type': 'application/octet-stream',
        'Dropbox-API-Arg': httpHeaderSafeJson({ path, mode: 'overwrite', autorename: false, mute: true }),
      },
      body: await readFile(localPath),
    });
    const text = await response.text();
    if (response.ok) return `dropbox:${readPathDisplay(text) ?? path}`;
    const problem = `Dropbox answered HTTP ${response.status}: ${text.slice(0, 300)}`;
    // 400 (bad request), 401 (token), 403 and 409 (path conflicts, no space) do not heal by retrying; 429 and 5xx may.
    if ([400, 401, 403, 409].includes(response.status)) throw new PermanentError(problem);
    throw new Error(problem);
  }
}

/** Dropbox-API-Arg must be ASCII: non-ASCII characters are sent as JSON \u escapes. */
export function httpHeaderSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function readPathDisplay(text: string): string | null {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' &&
      body !== null &&
      'path_display' in body &&
      typeof body.path_display === 'string'
      ? body.path_display
      : null;
  } catch {
    return null;
  }
}

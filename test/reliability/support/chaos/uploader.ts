import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiPool } from './api-pool.js';

/** One file the run uploads: its unique name, content, and whether the pipeline must refuse it. */
export interface PlannedFile {
  readonly name: string;
  readonly content: Uint8Array;
  readonly mimeType: string;
  /** Not a document the pipeline accepts: it must end failed, with the reason. */
  readonly corrupt: boolean;
}

/** How long a client waits after a lost answer before asking whether the upload was stored. */
const SETTLE_BEFORE_LOOKUP_MS = 500;

/**
 * Uploads through whichever API process answers. A lost answer (the process was killed, or answered 5xx while
 * the database restarted) may or may not have stored the file: the uploader looks the unique name up, as a
 * careful client would, and uploads again only when it is not there.
 */
export class Uploader {
  /** Name → the ids the API gave it; more than one id is a file stored twice. */
  readonly ids = new Map<string, number[]>();
  lostAnswers = 0;
  foundAfterLoss = 0;

  constructor(private readonly pool: ApiPool) {}

  async upload(file: PlannedFile, deadline: number): Promise<void> {
    let last = '';
    while (Date.now() < deadline) {
      const form = new FormData();
      form.set('file', new Blob([file.content], { type: file.mimeType }), file.name);
      const answer = await this.pool.attempt('/api/files', { method: 'POST', body: form });
      if (answer.ok && answer.status === 201) {
        this.ids.set(file.name, [(answer.body as { file: { id: number } }).file.id]);
        return;
      }
      if (answer.ok && answer.status < 500)
        throw new Error(`uploading ${file.name} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
      last = answer.ok ? `${answer.status} ${answer.text.slice(0, 200)}` : answer.error;
      this.lostAnswers += 1;
      await sleep(SETTLE_BEFORE_LOOKUP_MS);
      const found = await this.lookup(file.name, deadline);
      if (found.length > 0) {
        this.foundAfterLoss += 1;
        this.ids.set(file.name, found);
        return;
      }
    }
    throw new Error(`could not upload ${file.name} before the deadline; last answer: ${last}`);
  }

  private async lookup(name: string, deadline: number): Promise<number[]> {
    const stem = name.replace(/\.[a-z]+$/, '');
    const page = await this.pool.read<{ items: Array<{ id: number; originalFilename: string | null }> }>(
      `/api/files?q=${encodeURIComponent(stem)}&limit=10`,
      deadline,
    );
    return page.items.filter((item) => item.originalFilename === name).map((item) => item.id);
  }
}

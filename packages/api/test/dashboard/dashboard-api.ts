import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A one-page PDF with a line of text, as a pipeline would receive it. */
export async function invoicePdf(text: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([595, 842]).drawText(text, { x: 60, y: 780, size: 14, font });
  return pdf.save();
}

const STEPS = [
  'hash_file',
  'create_file_record',
  'check_text',
  'extract_text',
  'extract_metadata_with_gpt',
  'embed_metadata_into_pdf',
  'finalize_document_storage',
  'send_to_all_destinations',
];
const FAILING = 'extract_text';

let hashes = 0;

/**
 * The test's side of the API: files an external pipeline registers (`managed: false`, so the worker leaves them
 * alone) and the events it reports, including failures, through the public endpoints.
 */
export class DashboardApi {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private async register(name: string): Promise<number> {
    hashes += 1;
    const filehash = `${Date.now().toString(16)}${String(hashes).padStart(8, '0')}`.padStart(64, 'c');
    const created = await this.call<{ file: { id: number } }>('POST', '/api/files', {
      originalFilename: name,
      filehash,
      fileSize: 48_213,
      mimeType: 'application/pdf',
    });
    return created.file.id;
  }

  private async event(id: number, stepName: string, status: string, extra: Record<string, string> = {}) {
    await this.call('POST', `/api/files/${id}/events`, { stepName, status, ...extra });
  }

  private async run(id: number, steps: string[]): Promise<void> {
    for (const step of steps) {
      await this.event(id, step, 'in_progress');
      await this.event(id, step, 'success', { message: `${step} done` });
    }
  }

  /** A file whose extract_text failed after the steps before it succeeded. */
  async failedFile(name: string, errorMessage = 'OCR service answered 503'): Promise<number> {
    const id = await this.register(name);
    await this.run(id, STEPS.slice(0, STEPS.indexOf(FAILING)));
    await this.event(id, FAILING, 'in_progress');
    await this.event(id, FAILING, 'failure', {
      errorMessage,
      detail: 'Traceback (most recent call last):\n  ServiceUnavailable: 503',
    });
    return id;
  }

  /** A file whose extract_text was reported started `minutesAgo` minutes ago and never again: stalled. */
  async stalledFile(name: string, minutesAgo: number): Promise<number> {
    const id = await this.register(name);
    await this.run(id, STEPS.slice(0, STEPS.indexOf(FAILING)));
    const occurredAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await this.event(id, FAILING, 'in_progress', { occurredAt, taskId: 'celery-task-42' });
    return id;
  }

  /** An upload to POST /api/files, which steptrail's own worker processes. */
  async upload(name: string, bytes: Uint8Array): Promise<number> {
    const form = new FormData();
    form.set('file', new Blob([bytes], { type: 'application/pdf' }), name);
    const response = await fetch(`${this.url}/api/files`, { method: 'POST', body: form });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST /api/files: ${response.status} ${text}`);
    return (JSON.parse(text) as { file: { id: number } }).file.id;
  }

  /** A file whose hash_file is running: processing. */
  async processingFile(name: string): Promise<number> {
    const id = await this.register(name);
    await this.event(id, STEPS[0]!, 'in_progress');
    return id;
  }

  /** A registered file no step has reported on yet: pending. */
  pendingFile = (name: string): Promise<number> => this.register(name);

  /** Files per status across the database, counted at the request (GET /api/counts). */
  async counts(): Promise<{ counts: Record<string, number>; total: number }> {
    return this.call('GET', '/api/counts');
  }

  async completedFile(name: string): Promise<number> {
    const id = await this.register(name);
    await this.run(id, STEPS);
    return id;
  }

  /** The pipeline runs the retried step again, and the rest of the workflow, successfully. */
  async finishFailedStep(id: number): Promise<void> {
    await this.run(id, STEPS.slice(STEPS.indexOf(FAILING)));
  }

  /** The messages of a file's history notes (rows that changed no step), oldest first. */
  async notes(id: number): Promise<string[]> {
    const page = await this.call<{ items: Array<{ stepName: string | null; message: string | null }> }>(
      'GET',
      `/api/files/${id}/logs?limit=500`,
    );
    return page.items.filter((row) => row.stepName === null).map((row) => row.message ?? '');
  }

  async status(id: number): Promise<string> {
    return (await this.call<{ status: { status: string } }>('GET', `/api/files/${id}`)).status.status;
  }

  async ids(status: string): Promise<number[]> {
    const page = await this.call<{ items: Array<{ id: number }> }>(
      'GET',
      `/api/files?status=${status}&limit=50`,
    );
    return page.items.map((item) => item.id);
  }

  failedIds = (): Promise<number[]> => this.ids('failed');

  subscribeWebhook(url: string, events: string[]): Promise<{ id: number }> {
    return this.call('POST', '/api/webhooks', { url, events });
  }

  async testWebhook(id: number): Promise<void> {
    await this.call('POST', `/api/webhooks/${id}/test`);
  }
}

/** A webhook receiver on 127.0.0.1: answers the first attempt of each delivery 500, the next ones 200. */
export class WebhookReceiver {
  readonly requests: Array<{ id: string; type: string }> = [];
  private readonly seen = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | null = null;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const id = String(req.headers['webhook-id'] ?? '');
        receiver?.requests.push({ id, type: (JSON.parse(body) as { type: string }).type });
        const first = !receiver?.seen.has(id);
        receiver?.seen.add(id);
        res.writeHead(first ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks/steptrail`);
    return receiver;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

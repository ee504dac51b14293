import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DocumentKind } from './artifacts.js';
import { processEnv } from '@steptrail/runtime';
import { PermanentError } from '../engine/permanent-error.js';
import type { DocumentLimits } from './limits/document-limits.js';
import { runLimited, type LimitedResult } from './limits/limited-process.js';

const run = promisify(execFile);

export type OcrAvailability = { available: true } | { available: false; reason: string };

export interface OcrResult {
  text: string;
  pages: number;
}

/**
 * Tesseract for recognition, Poppler's pdftoppm to turn PDF pages into images; both from Debian packages. Each
 * run is a process under the document limits (docs/architecture.md#document-limits).
 */
export class TesseractOcr {
  private checked: Promise<OcrAvailability> | null = null;

  constructor(
    private readonly options: { enabled: boolean; languages: string },
    private readonly limits: Pick<DocumentLimits, 'memoryMb' | 'timeoutMs'>,
  ) {}

  get languages(): string {
    return this.options.languages;
  }

  /** Whether OCR can run here, with the reason (and the install command) when it cannot. Checked once. */
  availability(): Promise<OcrAvailability> {
    this.checked ??= this.check();
    return this.checked;
  }

  async recognize(
    path: string,
    kind: DocumentKind,
    scratchDir: string,
    signal: AbortSignal,
  ): Promise<OcrResult> {
    if (kind === 'image') return { text: await this.tesseract(path, signal), pages: 1 };
    // 300 dpi is what Tesseract is trained for; grey keeps the page images small.
    await this.tool(
      'OCR rasterisation (pdftoppm)',
      'pdftoppm',
      ['-r', '300', '-gray', '-png', path, join(scratchDir, 'page')],
      signal,
    );
    const images = (await readdir(scratchDir))
      .filter((name) => /^page-\d+\.png$/.test(name))
      .sort(byPageNumber);
    const texts: string[] = [];
    for (const image of images) texts.push((await this.tesseract(join(scratchDir, image), signal)).trim());
    return { text: texts.join('\n\n'), pages: images.length };
  }

  private async tesseract(image: string, signal: AbortSignal): Promise<string> {
    const { stdout } = await this.tool(
      'OCR (tesseract)',
      'tesseract',
      [image, 'stdout', '-l', this.options.languages],
      signal,
    );
    return stdout;
  }

  /** A tool run under the limits; a tool that fails on its input fails the same way on every try: permanent. */
  private async tool(
    what: string,
    command: string,
    args: string[],
    signal: AbortSignal,
  ): Promise<LimitedResult> {
    // Tesseract's own threads would fight the worker's concurrency for the cores.
    const env = { ...processEnv(), OMP_THREAD_LIMIT: '1' };
    const result = await runLimited({ command, args, what, limits: this.limits, signal, env });
    if (result.code === 0) return result;
    const end = result.signal === null ? `exit code ${result.code}` : `signal ${result.signal}`;
    const output = result.stderr.trim().split('\n').slice(-3).join(' | ') || 'no output';
    if (result.signal !== null) throw new Error(`${what} ended by ${end}: ${output}`);
    throw new PermanentError(`${what} could not read the document (${end}): ${output}`);
  }

  private async check(): Promise<OcrAvailability> {
    if (!this.options.enabled) return { available: false, reason: 'OCR is switched off (OCR_ENABLED=false)' };
    const missing: string[] = [];
    if (!(await succeeds('tesseract', ['--version']))) missing.push('tesseract-ocr');
    if (!(await succeeds('pdftoppm', ['-v']))) missing.push('poppler-utils');
    if (missing.length > 0) {
      return {
        available: false,
        reason: `OCR tools are not installed (apt-get install -y ${missing.join(' ')})`,
      };
    }
    const { stdout } = await run('tesseract', ['--list-langs']);
    const installed = new Set(
      stdout
        .split('\n')
        .slice(1)
        .map((line) => line.trim()),
    );
    const absent = this.options.languages.split('+').filter((language) => !installed.has(language));
    if (absent.length > 0) {
      const packages = absent.map((language) => `tesseract-ocr-${language.replace('_', '-')}`).join(' ');
      return {
        available: false,
        reason: `Tesseract has no data for ${absent.join(', ')} (apt-get install -y ${packages})`,
      };
    }
    return { available: true };
  }
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args);
    return true;
  } catch {
    return false;
  }
}

const pageNumber = (name: string): number => Number(/(\d+)\.png$/.exec(name)?.[1] ?? 0);
const byPageNumber = (a: string, b: string): number => pageNumber(a) - pageNumber(b);

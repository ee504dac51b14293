import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DocumentKind } from './artifacts.js';
import { processEnv } from '@steptrail/runtime';

const run = promisify(execFile);

export type OcrAvailability = { available: true } | { available: false; reason: string };

export interface OcrResult {
  text: string;
  pages: number;
}

/** Tesseract for recognition, Poppler's pdftoppm to turn PDF pages into images; both from Debian packages. */
export class TesseractOcr {
  private checked: Promise<OcrAvailability> | null = null;

  constructor(private readonly options: { enabled: boolean; languages: string }) {}

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
    await run('pdftoppm', ['-r', '300', '-gray', '-png', path, join(scratchDir, 'page')], {
      signal,
      maxBuffer: 1024 * 1024,
    });
    const images = (await readdir(scratchDir))
      .filter((name) => /^page-\d+\.png$/.test(name))
      .sort(byPageNumber);
    const texts: string[] = [];
    for (const image of images) texts.push((await this.tesseract(join(scratchDir, image), signal)).trim());
    return { text: texts.join('\n\n'), pages: images.length };
  }

  private async tesseract(image: string, signal: AbortSignal): Promise<string> {
    const { stdout } = await run('tesseract', [image, 'stdout', '-l', this.options.languages], {
      signal,
      maxBuffer: 64 * 1024 * 1024,
      // Tesseract's own threads would fight the worker's concurrency for the cores.
      env: { ...processEnv(), OMP_THREAD_LIMIT: '1' },
    });
    return stdout;
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

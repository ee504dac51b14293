import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

const run = promisify(execFile);

export const INVOICE_LINES = [
  'Acme GmbH',
  'Hauptstrasse 1, 10115 Berlin',
  '',
  'Invoice No. 2024-0042',
  'Invoice date: 15.03.2024',
  '',
  'Dear customer,',
  'please find the invoice for the services of March.',
  'The amount due is payable within 14 days.',
  'Thank you for your business and for the trust you place in us.',
];

/** A two-page PDF with a real text layer (Helvetica), like one exported from a word processor. */
export async function textPdf(lines: readonly string[] = INVOICE_LINES): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const [index, pageLines] of [
    lines,
    ['Page 2', 'Terms and conditions apply to this invoice.'],
  ].entries()) {
    const page = pdf.addPage([595, 842]);
    pageLines.forEach((line, row) =>
      page.drawText(line, {
        x: 60,
        y: 780 - row * 24,
        size: index === 0 ? 16 : 12,
        font,
        color: rgb(0, 0, 0),
      }),
    );
  }
  pdf.setCreationDate(new Date('2024-03-15T00:00:00Z'));
  pdf.setModificationDate(new Date('2024-03-15T00:00:00Z'));
  return pdf.save();
}

/**
 * An image-only PDF, as a scanner makes: the text PDF rendered to pixels by pdftoppm and embedded as a picture.
 * Without Poppler a plain grey page stands in (OCR cannot run then anyway: it needs Poppler too).
 */
export async function scannedPdf(): Promise<{ bytes: Uint8Array; hasRealText: boolean }> {
  const png = await renderedPage();
  const pdf = await PDFDocument.create();
  const image = await pdf.embedPng(png.bytes);
  const page = pdf.addPage([595, 842]);
  page.drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
  return { bytes: await pdf.save(), hasRealText: png.hasRealText };
}

/** A PNG of the first page of the text PDF, or a grey placeholder without Poppler. */
export async function renderedPage(): Promise<{ bytes: Uint8Array; hasRealText: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'steptrail-scan-'));
  try {
    await writeFile(join(dir, 'source.pdf'), await textPdf());
    await run('pdftoppm', [
      '-r',
      '150',
      '-gray',
      '-png',
      '-singlefile',
      '-f',
      '1',
      '-l',
      '1',
      join(dir, 'source.pdf'),
      join(dir, 'page'),
    ]);
    return { bytes: await readFile(join(dir, 'page.png')), hasRealText: true };
  } catch {
    return { bytes: greyPng(200, 280), hasRealText: false };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts like a PDF, then garbage: what a truncated or damaged download looks like. */
export function corruptPdf(): Uint8Array {
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i += 1) garbage[i] = (i * 7919 + 13) % 251;
  return Buffer.concat([
    Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R'),
    garbage,
  ]);
}

export const plainText = (): Uint8Array =>
  Buffer.from(
    'Meeting notes\nDate: 2024-05-02\nFrom: Jane Doe\nThe agreement was discussed and the contract will be signed next week.\n',
  );

/** A ZIP archive's first bytes: a type the pipeline does not process. */
export const zipArchive = (): Uint8Array =>
  Buffer.concat([
    Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]),
    Buffer.alloc(200, 1),
  ]);

/** A minimal 8-bit greyscale PNG. */
export function greyPng(width: number, height: number): Uint8Array {
  const rows = Buffer.alloc((width + 1) * height, 0xc0);
  for (let y = 0; y < height; y += 1) rows[y * (width + 1)] = 0;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8);
  header.writeUInt8(0, 9);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

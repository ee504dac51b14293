import { SeededRandom } from './random.js';
import { textPdf } from './text-pdf.js';
import type { PlannedFile } from './uploader.js';

/** What happens to one file: its upload, and what the external reporter says about it. */
export interface FilePlan {
  readonly file: PlannedFile;
  /** Null: the reporter leaves this file alone. */
  readonly report: { readonly finishAfterMs: number; readonly abandon: boolean } | null;
}

/** Every tenth file is no document (its step fails permanently); about a third get external events. */
export function planFiles(count: number, runTag: string, seed: number): FilePlan[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, '0');
    const corrupt = (index + 1) % 10 === 0;
    const file: PlannedFile = corrupt
      ? {
          name: `chaos-${number}.bin`,
          content: new Uint8Array(
            Buffer.from(`STEPTRAIL-NO-DOCUMENT\u0000${runTag}\u0000${number}\u0000`, 'utf8'),
          ),
          mimeType: 'application/octet-stream',
          corrupt,
        }
      : {
          name: `chaos-${number}.pdf`,
          content: textPdf([
            'Acme GmbH',
            `Invoice No. ${runTag}-${number}`,
            'Invoice date: 15.03.2024',
            `Chaos run ${runTag}, file ${number}: amount due within 14 days.`,
          ]),
          mimeType: 'application/pdf',
          corrupt,
        };
    const reported = random.next() < 1 / 3;
    return {
      file,
      report: reported ? { finishAfterMs: random.between(100, 2_000), abandon: random.next() < 1 / 4 } : null,
    };
  });
}

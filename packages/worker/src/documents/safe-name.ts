import type { DocumentMetadata } from './document-metadata.js';

const MAX_STEM = 120;
// Names Windows refuses whatever the extension; a share may be mounted from there.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** Text reduced to ASCII letters, digits and single dashes: safe on every filesystem and in every URL. */
export function slug(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The processed file's name: date, correspondent and title, e.g. `2024-03-01_Acme-GmbH_Invoice-March.pdf`.
 * Parts already contained in the title are not repeated; nothing usable gives `document`.
 */
export function safeDocumentName(metadata: DocumentMetadata, extension: string): string {
  const title = slug(metadata.title);
  const correspondent = metadata.correspondent === null ? '' : slug(metadata.correspondent);
  const date = metadata.documentDate ?? '';
  const parts = [
    date !== '' && !title.includes(date) ? date : '',
    correspondent !== '' && !title.toLowerCase().includes(correspondent.toLowerCase()) ? correspondent : '',
    title,
  ].filter((part) => part !== '');
  let stem = parts
    .join('_')
    .slice(0, MAX_STEM)
    .replace(/[-_]+$/, '');
  if (stem === '' || RESERVED.test(stem)) stem = stem === '' ? 'document' : `${stem}-document`;
  const ext = slug(extension).toLowerCase().slice(0, 10);
  return ext === '' ? stem : `${stem}.${ext}`;
}

/** The n-th alternative for a taken name: `name.pdf`, `name-2.pdf`, `name-3.pdf`, ... */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? `${name}-${n}` : `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
}

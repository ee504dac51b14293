import type { DocumentMetadata } from './document-metadata.js';

export interface ExtractionInput {
  text: string;
  originalFilename: string | null;
}

/** Document types by keywords (English and German, as DocuElevate's users write them); earlier rows win ties. */
const TYPES: ReadonlyArray<{ type: string; tag: string; words: RegExp }> = [
  {
    type: 'Invoice',
    tag: 'invoice',
    words: /\b(invoice|rechnung|facture|factura|amount due|rechnungsnummer)\b/gi,
  },
  { type: 'Receipt', tag: 'receipt', words: /\b(receipt|quittung|kassenbon|beleg)\b/gi },
  { type: 'Bank statement', tag: 'bank', words: /\b(bank statement|kontoauszug|account statement|iban)\b/gi },
  {
    type: 'Payslip',
    tag: 'payslip',
    words: /\b(payslip|pay slip|gehaltsabrechnung|lohnabrechnung|salary)\b/gi,
  },
  {
    type: 'Tax document',
    tag: 'tax',
    words: /\b(tax return|steuerbescheid|finanzamt|tax assessment|vat return)\b/gi,
  },
  { type: 'Contract', tag: 'contract', words: /\b(contract|agreement|vertrag|terms and conditions)\b/gi },
  { type: 'Insurance', tag: 'insurance', words: /\b(insurance|versicherung|policy number|police)\b/gi },
  { type: 'Reminder', tag: 'reminder', words: /\b(reminder|mahnung|overdue|past due)\b/gi },
  { type: 'Letter', tag: 'letter', words: /\b(dear|sehr geehrte|sincerely|mit freundlichen)\b/gi },
];

const STOPWORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'and', 'of', 'to', 'is', 'for', 'with', 'your', 'this', 'please'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'sie', 'für', 'bitte'],
  fr: ['le', 'la', 'les', 'et', 'est', 'des', 'pour', 'vous', 'avec', 'une'],
  es: ['el', 'la', 'los', 'y', 'es', 'para', 'con', 'una', 'por', 'usted'],
  nl: ['de', 'het', 'een', 'en', 'is', 'van', 'voor', 'met', 'niet', 'u'],
};

const COMPANY = /\b(GmbH|AG|KG|SE|Inc\.?|Ltd\.?|LLC|Corp\.?|Co\.|Company|Bank|S\.A\.|B\.V\.|plc)\b/;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * Deterministic metadata without a model: document type by keywords, the labelled (or first) date, the first
 * line naming a company as correspondent, language by stop words. The same input always gives the same output.
 */
export function extractMetadataByRules(input: ExtractionInput): DocumentMetadata {
  const text = input.text.slice(0, 200_000);
  const type = documentType(text);
  const correspondent = findCorrespondent(text);
  const documentDate = findDate(text);
  const fromName = titleFromFilename(input.originalFilename);
  const title =
    text.trim() === '' && fromName !== null
      ? fromName
      : [type?.type ?? 'Document', correspondent === null ? null : `from ${correspondent}`, documentDate]
          .filter(Boolean)
          .join(' ');
  const tags = [type?.tag, documentDate?.slice(0, 4)].filter(
    (tag): tag is string => tag !== undefined && tag !== null,
  );
  return {
    title: title.slice(0, 300),
    documentType: type?.type ?? 'Document',
    correspondent,
    documentDate,
    tags,
    language: detectLanguage(text),
  };
}

function documentType(text: string): (typeof TYPES)[number] | null {
  let best: (typeof TYPES)[number] | null = null;
  let bestCount = 0;
  for (const candidate of TYPES) {
    const count = text.match(candidate.words)?.length ?? 0;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function findCorrespondent(text: string): string | null {
  const labelled = /^\s*(?:from|von|sender|absender)\s*:\s*(.{2,80})$/im.exec(text);
  if (labelled?.[1] !== undefined) return clean(labelled[1]);
  for (const line of text.split('\n').slice(0, 40)) {
    const trimmed = line.trim();
    if (trimmed.length >= 2 && trimmed.length <= 80 && COMPANY.test(trimmed)) return clean(trimmed);
  }
  return null;
}

const clean = (value: string): string =>
  value
    .replace(/\s+/g, ' ')
    .replace(/[,;:]+$/, '')
    .trim();

/** A date after a "Date:" label first, else the first date in the text; only real calendar dates count. */
export function findDate(text: string): string | null {
  const label = /\b(?:date|datum|dated|invoice date|rechnungsdatum)\s*:?\s*([^\n]{6,30})/gi;
  for (const match of text.matchAll(label)) {
    const date = firstDate(match[1] ?? '');
    if (date !== null) return date;
  }
  return firstDate(text);
}

function firstDate(text: string): string | null {
  const patterns: Array<[RegExp, (m: RegExpExecArray) => [number, number, number] | null]> = [
    [/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m) => [Number(m[1]), Number(m[2]), Number(m[3])]],
    [/\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b/g, (m) => [Number(m[3]), Number(m[2]), Number(m[1])]],
    [/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g, (m) => [Number(m[3]), Number(m[2]), Number(m[1])]],
    [/\b(\d{1,2})\.?\s+([A-Za-z]+)\s+(\d{4})\b/g, (m) => monthDate(m[3], m[2], m[1])],
    [/\b([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})\b/g, (m) => monthDate(m[3], m[1], m[2])],
  ];
  let best: { index: number; value: string } | null = null;
  for (const [pattern, parts] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const ymd = parts(match);
      const value = ymd === null ? null : isoDate(...ymd);
      if (value !== null && (best === null || match.index < best.index)) best = { index: match.index, value };
      if (value !== null) break;
    }
  }
  return best?.value ?? null;
}

function monthDate(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
): [number, number, number] | null {
  const index = MONTHS.indexOf((month ?? '').toLowerCase());
  return index < 0 ? null : [Number(year), index + 1, Number(day)];
}

function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return date.toISOString().slice(0, 10);
}

function detectLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let best: string | null = null;
  let bestCount = 0;
  for (const [language, stopwords] of Object.entries(STOPWORDS)) {
    const set = new Set(stopwords);
    const count = words.filter((word) => set.has(word)).length;
    if (count > bestCount) {
      best = language;
      bestCount = count;
    }
  }
  return bestCount >= 3 ? best : null;
}

function titleFromFilename(name: string | null): string | null {
  if (name === null) return null;
  const stem = name
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[_-]+/g, ' ')
    .trim();
  return stem === '' ? null : stem;
}

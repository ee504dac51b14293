import { describe, expect, test } from 'vitest';
import { documentMetadataSchema } from '../src/documents/document-metadata.js';
import { extractMetadataByRules, findDate } from '../src/documents/rules-extractor.js';

const invoice = `Acme GmbH
Hauptstraße 1, 10115 Berlin

Invoice No. 2024-0042
Invoice date: 15.03.2024

Dear customer,
please find the invoice for the services of March. The amount due is payable within 14 days.
Thank you for your business and for the trust you place in us.`;

describe('extractMetadataByRules', () => {
  test('an invoice gives type, correspondent, labelled date, tags and language', () => {
    expect(extractMetadataByRules({ text: invoice, originalFilename: 'scan_0001.pdf' })).toEqual({
      title: 'Invoice from Acme GmbH 2024-03-15',
      documentType: 'Invoice',
      correspondent: 'Acme GmbH',
      documentDate: '2024-03-15',
      tags: ['invoice', '2024'],
      language: 'en',
    });
  });

  test('a German letter is recognised as German', () => {
    const text =
      'Sehr geehrte Damen und Herren,\nbitte senden Sie uns die Unterlagen. Die Frist ist nicht verlängert.\nMit freundlichen Grüßen\nVersicherung Nord AG';
    const metadata = extractMetadataByRules({ text, originalFilename: null });
    expect(metadata.language).toBe('de');
    expect(metadata.correspondent).toBe('Versicherung Nord AG');
  });

  test('a document without text is named after its file', () => {
    expect(extractMetadataByRules({ text: '', originalFilename: 'holiday_photo-2023.jpg' })).toEqual({
      title: 'holiday photo 2023',
      documentType: 'Document',
      correspondent: null,
      documentDate: null,
      tags: [],
      language: null,
    });
  });

  test('a labelled sender wins over a company line', () => {
    const metadata = extractMetadataByRules({
      text: 'Beta Bank plc\nFrom: Jane Doe\nReceipt for your payment',
      originalFilename: null,
    });
    expect(metadata.correspondent).toBe('Jane Doe');
    expect(metadata.documentType).toBe('Receipt');
  });

  test('the same input always gives the same metadata, and it passes the schema', () => {
    const first = extractMetadataByRules({ text: invoice, originalFilename: 'a.pdf' });
    expect(extractMetadataByRules({ text: invoice, originalFilename: 'a.pdf' })).toEqual(first);
    expect(documentMetadataSchema.safeParse(first).success).toBe(true);
  });
});

describe('findDate', () => {
  test.each([
    ['Date: 2023-12-24', '2023-12-24'],
    ['Datum: 1.2.2022', '2022-02-01'],
    ['issued 05/11/2021 and paid 2021-12-01', '2021-11-05'],
    ['Berlin, 3 March 2020', '2020-03-03'],
    ['on March 4, 2019 we', '2019-03-04'],
    ['total 31.02.2024 is no date, but 2024-02-29 is', '2024-02-29'],
    ['Phone 12.34.5678', null],
    ['no date here', null],
    ['invoice 2020-01-01, Invoice date: 2020-06-30', '2020-06-30'],
  ])('%j gives %s', (text, expected) => {
    expect(findDate(text)).toBe(expected);
  });
});

import { describe, expect, test } from 'vitest';
import type { DocumentMetadata } from '../src/documents/document-metadata.js';
import { numberedName, safeDocumentName, slug } from '../src/documents/safe-name.js';

const meta = (overrides: Partial<DocumentMetadata>): DocumentMetadata => ({
  title: 'Invoice March',
  documentType: 'Invoice',
  correspondent: null,
  documentDate: null,
  tags: [],
  language: null,
  ...overrides,
});

describe('safeDocumentName', () => {
  test.each([
    [meta({}), 'pdf', 'Invoice-March.pdf'],
    [
      meta({ correspondent: 'Acme GmbH', documentDate: '2024-03-01' }),
      'pdf',
      '2024-03-01_Acme-GmbH_Invoice-March.pdf',
    ],
    [
      meta({
        title: 'Invoice from Acme GmbH 2024-03-01',
        correspondent: 'Acme GmbH',
        documentDate: '2024-03-01',
      }),
      'pdf',
      'Invoice-from-Acme-GmbH-2024-03-01.pdf',
    ],
    [
      meta({ title: 'Rechnung Müller & Söhne', correspondent: 'Straße AG' }),
      'pdf',
      'Strasse-AG_Rechnung-Muller-Sohne.pdf',
    ],
    [meta({ title: '../../etc/passwd' }), 'pdf', 'etc-passwd.pdf'],
    [meta({ title: '名前' }), 'png', 'document.png'],
    [meta({ title: 'CON' }), 'txt', 'CON-document.txt'],
    [meta({ title: '.hidden' }), 'pdf', 'hidden.pdf'],
    [meta({ title: 'a'.repeat(400) }), 'pdf', `${'a'.repeat(120)}.pdf`],
    [meta({ title: 'Report' }), 'p/d\\f', 'Report.p-d-f'],
  ])('%j with .%s is %s', (metadata, extension, expected) => {
    expect(safeDocumentName(metadata, extension)).toBe(expected);
  });

  test('every name is made of safe characters only', () => {
    const hostile = [
      'a/b\\c:d*e?f"g<h>i|j',
      '\u0000null',
      ' spaces  everywhere ',
      'emoji 🎉 party',
      'tab\tnew\nline',
    ];
    for (const title of hostile)
      expect(safeDocumentName(meta({ title }), 'pdf')).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
  });
});

describe('slug and numberedName', () => {
  test('slug folds accents and joins words with single dashes', () => {
    expect(slug('  Café — Crème brûlée!! ')).toBe('Cafe-Creme-brulee');
  });

  test.each([
    ['doc.pdf', 1, 'doc.pdf'],
    ['doc.pdf', 2, 'doc-2.pdf'],
    ['doc', 3, 'doc-3'],
    ['archive.tar.gz', 2, 'archive.tar-2.gz'],
  ])('%s, alternative %i, is %s', (name, n, expected) => {
    expect(numberedName(name, n)).toBe(expected);
  });
});

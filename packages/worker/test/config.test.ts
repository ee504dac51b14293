import { ConfigError } from '@steptrail/runtime';
import { describe, expect, test } from 'vitest';
import { parseWorkerConfig } from '../src/config.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    parseWorkerConfig(env, '/srv/steptrail');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('parseWorkerConfig', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = parseWorkerConfig({}, '/srv/steptrail');
    expect(config).toMatchObject({
      database: { kind: 'sqlite', path: '/srv/steptrail/data/steptrail.db' },
      concurrency: 4,
      claimBatchSize: 4,
      leaseMs: 30_000,
      heartbeatMs: 10_000,
      reaperIntervalMs: 15_000,
      maxAttempts: 5,
      storageDir: '/srv/steptrail/data/storage',
      workDir: '/srv/steptrail/data/storage/work',
      processedDir: '/srv/steptrail/data/processed',
      destinations: [],
      openai: null,
      ocr: { enabled: true, languages: 'eng' },
      documents: { memoryMb: 512, timeoutMs: 120_000, maxPages: 5_000, maxImageMegapixels: 40 },
    });
    expect(config.workerId).toMatch(/:\d+:/);
  });

  test('document limits are read from their variables, and one out of range is refused naming it', () => {
    const config = parseWorkerConfig(
      {
        DOCUMENT_MEMORY_MB: '256',
        DOCUMENT_TIMEOUT_MS: '30000',
        DOCUMENT_MAX_PAGES: '100',
        DOCUMENT_MAX_IMAGE_MEGAPIXELS: '12',
      },
      '/srv',
    );
    expect(config.documents).toEqual({
      memoryMb: 256,
      timeoutMs: 30_000,
      maxPages: 100,
      maxImageMegapixels: 12,
    });
    expect(() => parseWorkerConfig({ DOCUMENT_MEMORY_MB: '10' }, '/srv')).toThrow(/DOCUMENT_MEMORY_MB/);
  });

  test('destinations are validated per type and local paths resolved', () => {
    const config = parseWorkerConfig(
      {
        DESTINATIONS: JSON.stringify([
          { name: 'archive', type: 'local', path: 'out' },
          {
            name: 'minio',
            type: 's3',
            bucket: 'docs',
            endpoint: 'http://127.0.0.1:9000',
            accessKeyId: 'k',
            secretAccessKey: 's',
          },
        ]),
      },
      '/srv/steptrail',
    );
    expect(config.destinations).toEqual([
      { name: 'archive', type: 'local', path: '/srv/steptrail/out' },
      {
        name: 'minio',
        type: 's3',
        bucket: 'docs',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        accessKeyId: 'k',
        secretAccessKey: 's',
        prefix: '',
      },
    ]);
  });

  test('every problem is reported at once', () => {
    expect(
      problems({
        DATABASE_URL: 'redis://x',
        WORKER_CONCURRENCY: '0',
        LEASE_MS: 'soon',
        DESTINATIONS: '[{"name":"Bad Name","type":"local","path":"x"},{"name":"a","type":"ftp"}]',
        MAX_ATTEMPTS_BY_STEP: '{not json',
        OPENAI_MODEL: 'gpt-4o-mini',
      }),
    ).toEqual([
      expect.stringContaining('DATABASE_URL: DATABASE_URL scheme redis: is not supported'),
      expect.stringContaining('WORKER_CONCURRENCY:'),
      expect.stringContaining('LEASE_MS:'),
      expect.stringContaining('MAX_ATTEMPTS_BY_STEP: not valid JSON'),
      expect.stringContaining('DESTINATIONS.0.name: a destination name is 1 to 64 characters'),
      expect.stringContaining('DESTINATIONS.1.type:'),
    ]);
  });

  test('a model without a key or base URL is refused, and so is a key without a model', () => {
    expect(problems({ OPENAI_MODEL: 'm' })).toEqual([
      expect.stringContaining('OPENAI_API_KEY: OPENAI_MODEL is set'),
    ]);
    expect(problems({ OPENAI_API_KEY: 'k' })).toEqual([
      expect.stringContaining('OPENAI_MODEL: OPENAI_API_KEY or OPENAI_BASE_URL is set'),
    ]);
  });

  test('a local model endpoint needs no key', () => {
    const config = parseWorkerConfig(
      { OPENAI_MODEL: 'llama3', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' },
      '/',
    );
    expect(config.openai).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: '',
      model: 'llama3',
      timeoutMs: 60_000,
    });
  });

  test('destination names must be unique, since they become step names', () => {
    const list = JSON.stringify([
      { name: 'a', type: 'local', path: 'x' },
      { name: 'a', type: 'local', path: 'y' },
    ]);
    expect(problems({ DESTINATIONS: list })).toEqual([
      expect.stringContaining('destination name "a" is used twice'),
    ]);
  });
});

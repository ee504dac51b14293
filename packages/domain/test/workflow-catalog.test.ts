import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW, WorkflowCatalog } from '../src/index.js';

const catalogOf = (...args: Parameters<typeof WorkflowCatalog.create>): WorkflowCatalog => {
  const result = WorkflowCatalog.create(...args);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

describe('WorkflowCatalog', () => {
  it('the built-in catalog holds only the default workflow', () => {
    const catalog = WorkflowCatalog.defaults();
    expect(catalog.names()).toEqual(['default']);
    expect(catalog.resolve()).toEqual({ ok: true, value: DEFAULT_WORKFLOW });
  });

  it.each([
    ['no name resolves the default profile', undefined, ['hash_file', 'send_to_all_destinations']],
    ['null resolves the default profile', null, ['hash_file', 'send_to_all_destinations']],
    ['a named profile resolves to its steps', 'ocr', ['hash_file', 'process_with_ocr']],
    ['the built-in default stays available', 'default', [...DEFAULT_WORKFLOW.steps]],
  ])('%s', (_rule, name, steps) => {
    const catalog = catalogOf(
      { ocr: ['hash_file', 'process_with_ocr'], fast: ['hash_file', 'send_to_all_destinations'] },
      'fast',
    );
    const resolved = catalog.resolve(name);
    expect(resolved.ok && resolved.value.steps).toEqual(steps);
  });

  it('a definition named default overrides the built-in default', () => {
    const catalog = catalogOf({ default: ['hash_file'] });
    expect(catalog.names()).toEqual(['default']);
    expect(catalog.resolve()).toMatchObject({ ok: true, value: { name: 'default', steps: ['hash_file'] } });
  });

  it('an unknown workflow name is UNKNOWN_WORKFLOW listing the known names', () => {
    const result = catalogOf({ ocr: ['hash_file'] }).resolve('fancy');
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_WORKFLOW', details: { received: 'fancy', known: ['default', 'ocr'] } },
    });
    expect(result.ok ? '' : result.error.message).toBe(
      'Unknown workflow "fancy"; known workflows: default, ocr.',
    );
  });

  it.each([
    ['an invalid profile is INVALID_WORKFLOW', { broken: [] }, 'default', 'INVALID_WORKFLOW'],
    [
      'a default name that is not defined is UNKNOWN_WORKFLOW',
      { ocr: ['hash_file'] },
      'missing',
      'UNKNOWN_WORKFLOW',
    ],
  ])('creating a catalog with %s', (_rule, definitions, defaultName, code) => {
    expect(WorkflowCatalog.create(definitions, defaultName)).toMatchObject({ ok: false, error: { code } });
  });
});

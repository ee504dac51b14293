import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKFLOW,
  DEFAULT_WORKFLOW_NAME,
  classifierFor,
  decodeWorkflow,
  defineWorkflow,
  encodeWorkflow,
  nextWorkflowStep,
  terminalStepOf,
  type Workflow,
} from '../src/index.js';
import { workflowOf } from './support/fixtures.js';

const short: Workflow = workflowOf('short', ['hash_file', 'extract_text', 'finalize_document_storage']);
const legacy: Workflow = workflowOf('legacy', ['hash_file', 'send_to_user_destinations']);

describe('the default workflow', () => {
  it('lists the eight DocuElevate main steps in order, ending in send_to_all_destinations', () => {
    expect(DEFAULT_WORKFLOW.name).toBe(DEFAULT_WORKFLOW_NAME);
    expect([...DEFAULT_WORKFLOW.steps]).toEqual([
      'hash_file',
      'create_file_record',
      'check_text',
      'extract_text',
      'extract_metadata_with_gpt',
      'embed_metadata_into_pdf',
      'finalize_document_storage',
      'send_to_all_destinations',
    ]);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(DEFAULT_WORKFLOW)).toBe(true);
    expect(Object.isFrozen(DEFAULT_WORKFLOW.steps)).toBe(true);
  });
});

describe('defineWorkflow', () => {
  it('accepts a valid definition and returns a frozen copy', () => {
    const steps = ['hash_file', 'extract_text'];
    const result = defineWorkflow('ocr-only', steps);
    expect(result).toEqual({ ok: true, value: { name: 'ocr-only', steps: ['hash_file', 'extract_text'] } });
    steps.push('mutated');
    expect(result.ok && result.value.steps).toEqual(['hash_file', 'extract_text']);
  });

  it.each([
    ['an empty step list', 'empty', [], /has no steps/],
    ['a step listed twice', 'twice', ['hash_file', 'hash_file'], /lists "hash_file" twice/],
    [
      'a step listed twice through its alias',
      'alias',
      ['send_to_all_destinations', 'send_to_user_destinations'],
      /twice/,
    ],
    ['a queue_* step', 'uploads', ['hash_file', 'queue_dropbox'], /added per destination/],
    ['an upload_to_* step', 'uploads', ['upload_to_s3'], /added per destination/],
    ['an invalid step name', 'bad-step', ['Hash File'], /Invalid step name "Hash File"/],
    ['an upper-case workflow name', 'Default', ['hash_file'], /Invalid workflow name "Default"/],
    ['an empty workflow name', '', ['hash_file'], /Invalid workflow name ""/],
    ['a workflow name with spaces', 'my flow', ['hash_file'], /Invalid workflow name/],
  ])('rejects %s with INVALID_WORKFLOW', (_case, name, steps, message) => {
    const result = defineWorkflow(name, steps);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_WORKFLOW' } });
    expect(result.ok ? '' : result.error.message).toMatch(message);
  });
});

describe('the terminal step', () => {
  it.each([
    ['send_to_all_destinations when the workflow has it', DEFAULT_WORKFLOW, 'send_to_all_destinations'],
    ['the last step when the workflow has no send_to_all_destinations', short, 'finalize_document_storage'],
    ['send_to_all_destinations when the workflow lists its legacy alias', legacy, 'send_to_all_destinations'],
    [
      'send_to_all_destinations even when it is not the last step',
      workflowOf('mid', ['send_to_all_destinations', 'cleanup']),
      'send_to_all_destinations',
    ],
    [
      'the normalised last step',
      workflowOf('ocr', ['hash_file', 'process_with_azure_document_intelligence']),
      'process_with_ocr',
    ],
  ])('is %s', (_rule, workflow, terminal) => {
    expect(terminalStepOf(workflow)).toBe(terminal);
    expect(classifierFor(workflow).terminalStep).toBe(terminal);
  });
});

describe('real and diagnostic steps', () => {
  it.each([
    ['a workflow step', DEFAULT_WORKFLOW, 'extract_text', true],
    ['the optional main step check_for_duplicates', DEFAULT_WORKFLOW, 'check_for_duplicates', true],
    ['the optional main step process_with_ocr', short, 'process_with_ocr', true],
    ['the optional main step compute_embedding', short, 'compute_embedding', true],
    [
      'the legacy alias process_with_azure_document_intelligence',
      DEFAULT_WORKFLOW,
      'process_with_azure_document_intelligence',
      true,
    ],
    ['the legacy alias send_to_user_destinations', DEFAULT_WORKFLOW, 'send_to_user_destinations', true],
    ['a queue_* step', DEFAULT_WORKFLOW, 'queue_dropbox', true],
    ['an upload_to_* step', DEFAULT_WORKFLOW, 'upload_to_s3', true],
    ['poll_task', DEFAULT_WORKFLOW, 'poll_task', false],
    ['upload_file', DEFAULT_WORKFLOW, 'upload_file', false],
    ['a bare queue_ prefix', DEFAULT_WORKFLOW, 'queue_', false],
    ['a bare upload_to_ prefix', DEFAULT_WORKFLOW, 'upload_to_', false],
    ['a default step the file’s own workflow does not list', short, 'embed_metadata_into_pdf', false],
    ['send_to_all_destinations on a workflow without it', short, 'send_to_all_destinations', false],
  ])('%s is real: %s', (_case, workflow, stepName, real) => {
    expect(classifierFor(workflow).isReal(stepName)).toBe(real);
  });

  it.each([
    ['default', DEFAULT_WORKFLOW, 'send_to_all_destinations', true],
    ['default', DEFAULT_WORKFLOW, 'send_to_user_destinations', true],
    ['default', DEFAULT_WORKFLOW, 'finalize_document_storage', false],
    ['short', short, 'finalize_document_storage', true],
    ['short', short, 'send_to_all_destinations', false],
  ])('in the %s workflow, %s is terminal: %s', (_name, workflow, stepName, terminal) => {
    expect(classifierFor(workflow).isTerminal(stepName)).toBe(terminal);
  });
});

describe('nextWorkflowStep', () => {
  it.each([
    ['default', DEFAULT_WORKFLOW, 'hash_file', 'create_file_record'],
    ['default', DEFAULT_WORKFLOW, 'finalize_document_storage', 'send_to_all_destinations'],
    ['default', DEFAULT_WORKFLOW, 'send_to_all_destinations', null],
    ['default', DEFAULT_WORKFLOW, 'upload_to_s3', null],
    ['default', DEFAULT_WORKFLOW, 'poll_task', null],
    ['legacy', legacy, 'hash_file', 'send_to_user_destinations'],
    ['legacy', legacy, 'send_to_all_destinations', null],
    [
      'ocr',
      workflowOf('ocr', ['process_with_ocr', 'hash_file']),
      'process_with_azure_document_intelligence',
      'hash_file',
    ],
  ])('in the %s workflow the step after %s is %s', (_name, workflow, stepName, next) => {
    expect(nextWorkflowStep(workflow, stepName)).toBe(next);
  });
});

describe('storing a workflow on the file row', () => {
  it.each([
    ['default', DEFAULT_WORKFLOW],
    ['short', short],
    ['legacy', legacy],
  ])('decodeWorkflow(encodeWorkflow(w)) gives back the %s workflow', (_name, workflow) => {
    expect(decodeWorkflow(encodeWorkflow(workflow))).toEqual({
      name: workflow.name,
      steps: [...workflow.steps],
    });
  });

  it.each([[null], ['']])('a legacy row without a workflow (%j) reads as the default workflow', (stored) => {
    expect(decodeWorkflow(stored)).toBe(DEFAULT_WORKFLOW);
  });

  it.each([['{"name":"x"}'], ['{"name":"x","steps":[1]}'], ['[]'], ['"default"']])(
    'a stored value that is not a {name, steps} object (%s) is a fault',
    (stored) => {
      expect(() => decodeWorkflow(stored)).toThrow(/not a \{name, steps\} object/);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW, PLAN_WORKFLOW_NAME, encodeWorkflow, fileWorkflow } from '../src/index.js';

const plan = (value: unknown) => JSON.stringify(value);

describe('fileWorkflow', () => {
  it.each([
    [
      'create_file_record, then every stage in order',
      plan({
        version: 1,
        steps: [
          { step_type: 'ocr', stages: ['check_text', 'extract_text'] },
          { step_type: 'ai', stages: ['extract_metadata_with_gpt'] },
          { step_type: 'deliver', stages: ['send_to_all_destinations'] },
        ],
      }),
      [
        'create_file_record',
        'check_text',
        'extract_text',
        'extract_metadata_with_gpt',
        'send_to_all_destinations',
      ],
    ],
    [
      'a stage named twice, or create_file_record itself, counts once',
      plan({
        version: 1,
        steps: [
          { stages: ['create_file_record', 'extract_text'] },
          { stages: ['extract_text', 'finalize_document_storage'] },
        ],
      }),
      ['create_file_record', 'extract_text', 'finalize_document_storage'],
    ],
  ])('%s', (_title, stored, steps) => {
    expect(fileWorkflow(null, stored)).toEqual({
      workflow: { name: PLAN_WORKFLOW_NAME, steps },
      problem: null,
    });
  });

  it.each([
    ['not JSON', '{version: 1'],
    ['version 2, not 1', plan({ version: 2, steps: [{ stages: ['a'] }] })],
    ['"steps" is not a list', plan({ version: 1, steps: {} })],
    ['steps[0] has no "stages" list', plan({ version: 1, steps: [{ step_type: 'ocr' }] })],
    ['steps[1] has the stage 42', plan({ version: 1, steps: [{ stages: ['a'] }, { stages: [42] }] })],
    ['no stage', plan({ version: 1, steps: [] })],
  ])('a plan that is %s gives the default workflow and says so', (reason, stored) => {
    const read = fileWorkflow(null, stored);
    expect(read.workflow).toBe(DEFAULT_WORKFLOW);
    expect(read.problem).toBe(
      `files.workflow_plan cannot be read (${reason}); the default workflow applies.`,
    );
  });

  it("steptrail's own workflow wins over a plan, and no plan is the default workflow", () => {
    const own = { name: 'short', steps: ['hash_file', 'extract_text'] };
    expect(fileWorkflow(encodeWorkflow(own), plan({ version: 1, steps: [{ stages: ['x'] }] }))).toEqual({
      workflow: own,
      problem: null,
    });
    expect(fileWorkflow(null, null)).toEqual({ workflow: DEFAULT_WORKFLOW, problem: null });
    expect(fileWorkflow('', '  ')).toEqual({ workflow: DEFAULT_WORKFLOW, problem: null });
  });
});

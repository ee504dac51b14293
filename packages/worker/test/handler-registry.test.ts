import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { HandlerRegistry } from '../src/handlers/handler-registry.js';
import { success, type StepContext } from '../src/handlers/step-handler.js';

const context = {} as Omit<StepContext<unknown>, 'config'>;

describe('HandlerRegistry', () => {
  test('a registered handler runs its step with its parsed configuration', async () => {
    const registry = new HandlerRegistry().register({
      stepName: 'ocr_lite',
      configSchema: z.object({ dpi: z.number().default(300) }),
      run: async ({ config }) => success(`dpi ${config.dpi}`),
    });
    const bound = registry.bind({ ocr_lite: { dpi: 150 } });
    expect(bound.ok).toBe(true);
    if (!bound.ok) return;
    expect(await bound.handlers.get('ocr_lite')?.(context)).toEqual({
      status: 'success',
      message: 'dpi 150',
    });
    expect(bound.handlers.stepNames()).toEqual(['ocr_lite']);
  });

  test('a schema default applies when the step has no configuration', async () => {
    const registry = new HandlerRegistry().register({
      stepName: 'ocr_lite',
      configSchema: z.object({ dpi: z.number().default(300) }).default({ dpi: 300 }),
      run: async ({ config }) => success(`dpi ${config.dpi}`),
    });
    const bound = registry.bind({});
    expect(bound.ok && (await bound.handlers.get('ocr_lite')?.(context))).toEqual({
      status: 'success',
      message: 'dpi 300',
    });
  });

  test('a second handler for a step is refused unless it replaces the first', () => {
    const registry = new HandlerRegistry().register({
      stepName: 'hash_file',
      run: async () => success('built-in'),
    });
    expect(() => registry.register({ stepName: 'hash_file', run: async () => success('mine') })).toThrow(
      /already registered/,
    );
    registry.register({ stepName: 'hash_file', run: async () => success('mine') }, { replace: true });
    expect(registry.stepNames()).toEqual(['hash_file']);
  });

  test('an invalid step name is refused with the allowed form', () => {
    expect(() =>
      new HandlerRegistry().register({ stepName: 'Bad Name', run: async () => success() }),
    ).toThrow(/Invalid step name/);
  });

  test('every configuration problem is reported at once', () => {
    const registry = new HandlerRegistry()
      .register({
        stepName: 'needs_config',
        configSchema: z.object({ level: z.number() }),
        run: async () => success(),
      })
      .register({ stepName: 'takes_none', run: async () => success() });
    const bound = registry.bind({ needs_config: { level: 'high' }, takes_none: { x: 1 }, unknown_step: {} });
    expect(bound.ok).toBe(false);
    expect(!bound.ok && bound.problems).toEqual([
      'STEP_CONFIG.needs_config: level: Invalid input: expected number, received string',
      'STEP_CONFIG.takes_none: step takes_none takes no configuration',
      'STEP_CONFIG.unknown_step: no handler runs step unknown_step',
    ]);
  });

  test('steps without a handler are not claimed', () => {
    const bound = new HandlerRegistry().register({ stepName: 'a', run: async () => success() }).bind({});
    expect(bound.ok && bound.handlers.get('b')).toBeNull();
  });
});

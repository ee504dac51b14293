// A WORKER_PLUGINS module for the process tests: steps that run until the test lets them finish.
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { HandlerRegistry } from '../../src/handlers/handler-registry.js';
import { success } from '../../src/handlers/step-handler.js';

const config = z.object({ markerDir: z.string() });

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export function register(registry: HandlerRegistry): void {
  registry.register({
    stepName: 'slow_step',
    configSchema: config,
    async run({ file, workerId, config, signal }) {
      await mkdir(config.markerDir, { recursive: true });
      // Written aside and renamed into place, so the test never reads the marker half-written.
      const started = join(config.markerDir, `${file.id}.started`);
      await writeFile(`${started}.tmp`, workerId);
      await rename(`${started}.tmp`, started);
      // Runs until the test creates the release marker, or the worker aborts the step.
      while (!(await exists(join(config.markerDir, `${file.id}.release`)))) {
        signal.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return success(`finished by ${workerId}`);
    },
  });
  registry.register({
    stepName: 'quick_step',
    run: async ({ workerId }) => success(`finished by ${workerId}`),
  });
}

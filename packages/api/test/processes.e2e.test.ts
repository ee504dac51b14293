import { AppProcess } from '@steptrail/test-servers/app-process';
import { afterAll, describe, expect, test } from 'vitest';
import { removeScratchDirs, scratchDir } from './support/api-harness.js';
import { API_MAIN as main } from './support/app-entries.js';

afterAll(removeScratchDirs);

describe('the API as a process', () => {
  test('refuses to start on a non-loopback HOST without tokens, listing every problem', async () => {
    const app = new AppProcess(main, { HOST: '0.0.0.0', PORT: 'x' }, scratchDir());
    expect(await app.exited).toBe(2);
    expect(app.stderr).toContain('Invalid configuration:');
    expect(app.stderr).toMatch(
      /- API_TOKENS: is required when HOST \(0\.0\.0\.0\) is not a loopback address/,
    );
    expect(app.stderr).toMatch(/- PORT: /);
    expect(app.stderr).not.toMatch(/\n\s+at /);
  });
});

import { describe, expect, it } from 'vitest';
import { notRunReason } from './support/not-run.js';
import { readmeBlocks } from './support/readme-blocks.js';
import { rewrite, serverUrlsIn } from './support/scratch-databases.js';

const README = [
  '# Title',
  '',
  '```sh',
  'export DATABASE_URL=postgres://u:secret@db:5432/app',
  '# a comment line is not a command',
  'npx -y pnpm@10.34.8 migrate -- schema up   # a trailing comment stays',
  'node apps/migrator/dist/main.js verify \\',
  '  --all --json',
  '```',
  '',
  '```text',
  '$ not a command: the block is text',
  '```',
  '',
  '```console',
  '$ node apps/migrator/dist/main.js schema status',
  'sqlite:/tmp/x.db',
  '  [x] InitialSchema1764300000000',
  '$ node apps/migrator/dist/main.js verify',
  '```',
  '',
  '```ts',
  'const notRun = true;',
  '```',
].join('\n');

describe('reading the commands out of a README', () => {
  it('takes every line of sh blocks, joins continuations, and keeps the line where each starts', () => {
    const [script] = readmeBlocks('apps/x/README.md', README);
    expect(script).toEqual({
      readme: 'apps/x/README.md',
      line: 3,
      commands: [
        {
          readme: 'apps/x/README.md',
          line: 4,
          command: 'export DATABASE_URL=postgres://u:secret@db:5432/app',
        },
        {
          readme: 'apps/x/README.md',
          line: 6,
          command: 'npx -y pnpm@10.34.8 migrate -- schema up   # a trailing comment stays',
        },
        {
          readme: 'apps/x/README.md',
          line: 7,
          command: 'node apps/migrator/dist/main.js verify --all --json',
        },
      ],
    });
  });

  it('takes only the prompted lines of console blocks, and no other kind of block', () => {
    const blocks = readmeBlocks('README.md', README);
    expect(blocks).toHaveLength(2);
    expect(blocks[1]?.commands.map(({ line, command }) => [line, command])).toEqual([
      [16, 'node apps/migrator/dist/main.js schema status'],
      [19, 'node apps/migrator/dist/main.js verify'],
    ]);
  });
});

describe('example servers in commands', () => {
  it('finds postgres and mysql URLs and replaces each by its stand-in', () => {
    const command = 'DATABASE_URL=mysql://u:p@db:3306/app node main.js --other postgresql://db/x';
    expect(serverUrlsIn(command)).toEqual(['mysql://u:p@db:3306/app', 'postgresql://db/x']);
    const databases = {
      sqliteUrl: 'sqlite:/tmp/x.db',
      replacements: new Map([['mysql://u:p@db:3306/app', 'mysql://root@127.0.0.1:4000/readme_1']]),
      missing: new Map<string, string>(),
    };
    expect(rewrite(command, databases)).toBe(
      'DATABASE_URL=mysql://root@127.0.0.1:4000/readme_1 node main.js --other postgresql://db/x',
    );
  });
});

describe('commands the doc test does not run', () => {
  const testFiles = [
    'apps/api/test/a.test.ts',
    'apps/api/test/b.e2e.test.ts',
    'packages/domain/test/c.test.ts',
    'test/reliability/d.rel.test.ts',
  ];
  it.each([
    ['npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 test', 'the test command itself'],
    ['npx -y pnpm@10.34.8 test apps/api   # a comment', 'runs int, e2e or reliability suites'],
    ['npx vitest run apps/api', 'runs int, e2e or reliability suites'],
    [
      'npx -y pnpm@10.34.8 exec vitest run --project int --project e2e',
      'runs int, e2e or reliability suites',
    ],
    ['npx -y pnpm@10.34.8 bench --scale full', 'a benchmark'],
    ['npx tsx bench/run.ts --only api --scale small', 'a benchmark'],
    ['npx -y pnpm@10.34.8 test:reliability', 'the full-size reliability suite'],
    ['npx vitest run --project reliability test/reliability/d', 'runs int, e2e or reliability suites'],
  ])('%s is not run: %s', (command, reason) => {
    expect(notRunReason(command, testFiles)).toContain(reason);
  });

  it.each([
    'npx vitest run apps/api --project unit',
    'npx vitest run packages/domain',
    'npx -y pnpm@10.34.8 migrate -- verify --all',
    'npx -y pnpm@10.34.8 test packages/domain   # unit tests only',
  ])('%s runs', (command) => {
    expect(notRunReason(command, testFiles)).toBeNull();
  });
});

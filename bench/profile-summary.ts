// Reads a V8 CPU profile (node --cpu-prof) and prints where the samples' self time went: per package (or node:
// internals, GC, idle) and the top functions. This is how bench/README.md explains a missed target from a profile.
//   npx tsx bench/profile-summary.ts PROFILE.cpuprofile [--top 25] [--inclusive REGEX (e.g. 'packages/api|express')]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script URL belongs to: a node_modules package, a workspace package, node internals. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internals';
  const modules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  const workspace = /\/(packages|apps|bench)\/([^/]+)\//.exec(url);
  if (workspace !== null) return `${workspace[1]}/${workspace[2]}`;
  return url;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, inclusive: { type: 'string' } },
  });
  const [file] = positionals;
  if (file === undefined)
    throw new Error('usage: npx tsx bench/profile-summary.ts PROFILE.cpuprofile [--top N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const owner = packageOf(frame.url, frame.functionName);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'} ${owner}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  // Inclusive time per function (itself and everything it called), counted once per sample even when recursive.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || frame.url === '') continue;
      const name = `${frame.functionName || '(anonymous)'} ${packageOf(frame.url, frame.functionName)}:${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  const share = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)} %`;
  const top = Number(values.top);
  console.log(`${(total / 1000).toFixed(0)} ms of samples in ${file}\n\nself time by package`);
  for (const [name, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${share(micros)}  ${name}`);
  console.log('\nself time by function');
  for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${share(micros)}  ${name}`);
  const own = values.inclusive;
  if (own !== undefined) {
    console.log(`\ninclusive time of functions whose package matches ${own}`);
    for (const [name, micros] of [...inclusive]
      .filter(([name]) => new RegExp(own).test(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top))
      console.log(`  ${share(micros)}  ${name}`);
  }
}

main();

import { readdirSync, readFileSync } from 'node:fs';

/** A process and all its descendants, from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The fields after the command name (which may hold spaces and parentheses): state, then the parent's pid.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]!) ?? []));
  return tree;
}

function residentMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Samples the resident memory of a process tree every `everyMs` until stopped; `peak()` is the largest sum seen. */
export function sampleTreeMemory(
  root: number,
  everyMs = 20,
): { peak(): number; reset(): void; stop(): void } {
  let peak = 0;
  const timer = setInterval(() => {
    const total = processTree(root).reduce((sum, pid) => sum + residentMb(pid), 0);
    peak = Math.max(peak, total);
  }, everyMs);
  return {
    peak: () => Math.round(peak),
    reset: () => (peak = 0),
    stop: () => clearInterval(timer),
  };
}

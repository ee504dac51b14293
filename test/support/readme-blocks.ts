/** One command a README shows, where it stands, and the block it belongs to. */
export interface ReadmeCommand {
  /** The README's path from the repository root. */
  readme: string;
  /** 1-based line of the command's first line in the README. */
  line: number;
  /** The command as written, continuation lines joined, without a console prompt. */
  command: string;
}

/** A fenced block of commands: its commands run in order and share what the block sets up. */
export interface ReadmeBlock {
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  commands: ReadmeCommand[];
}

/** Fences whose lines are commands to run: shell scripts, and console sessions (commands after a `$ ` prompt). */
const SCRIPT_LANGUAGES = new Set(['sh', 'bash', 'shell']);
const SESSION_LANGUAGES = new Set(['console', 'shell-session']);

const fence = /^\s*(`{3,}|~{3,})\s*([\w-]*)/;

/** The command blocks of one README, in order. */
export function readmeBlocks(readme: string, text: string): ReadmeBlock[] {
  const lines = text.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const opening = fence.exec(lines[index] ?? '');
    if (opening === null) continue;
    const [, marker = '```', language = ''] = opening;
    const end = closingFence(lines, index + 1, marker);
    const session = SESSION_LANGUAGES.has(language);
    if (session || SCRIPT_LANGUAGES.has(language)) {
      const body = lines
        .slice(index + 1, end)
        .map((content, offset) => ({ content, line: index + 2 + offset }));
      const commands = (session ? sessionCommands(body) : scriptCommands(body)).map((command) => ({
        readme,
        ...command,
      }));
      if (commands.length > 0) blocks.push({ readme, line: index + 1, commands });
    }
    index = end;
  }
  return blocks;
}

function closingFence(lines: readonly string[], from: number, marker: string): number {
  for (let index = from; index < lines.length; index += 1) {
    if ((lines[index] ?? '').trim().startsWith(marker)) return index;
  }
  return lines.length;
}

interface Line {
  content: string;
  line: number;
}

/** Every line is a command, except blank lines and comments; a trailing backslash continues it. */
function scriptCommands(body: readonly Line[]): Array<{ line: number; command: string }> {
  return joinContinuations(body.filter(({ content }) => !/^\s*(#.*)?$/.test(content)));
}

/** Only lines after a `$ ` prompt are commands (with their continuations); the rest is what they printed. */
function sessionCommands(body: readonly Line[]): Array<{ line: number; command: string }> {
  const commands: Line[] = [];
  let continuing = false;
  for (const { content, line } of body) {
    if (continuing) commands.push({ content, line });
    else if (content.startsWith('$ ')) commands.push({ content: content.slice(2), line });
    else continue;
    continuing = content.endsWith('\\');
  }
  return joinContinuations(commands);
}

function joinContinuations(lines: readonly Line[]): Array<{ line: number; command: string }> {
  const commands: Array<{ line: number; command: string }> = [];
  let current: { line: number; parts: string[] } | null = null;
  for (const { content, line } of lines) {
    current ??= { line, parts: [] };
    const continues = content.endsWith('\\');
    current.parts.push(continues ? content.slice(0, -1).trim() : content.trim());
    if (!continues) {
      commands.push({ line: current.line, command: current.parts.join(' ') });
      current = null;
    }
  }
  if (current !== null) commands.push({ line: current.line, command: current.parts.join(' ') });
  return commands;
}

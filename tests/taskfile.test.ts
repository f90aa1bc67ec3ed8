import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const taskfile = parse(readFileSync(join(root, 'Taskfile.yaml'), 'utf8')) as {
  tasks: Record<string, { cmds: string[] }>;
};
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
/** pnpm's own commands that a task may call directly. */
const PNPM_BUILTINS = new Set(['install', 'exec', 'dlx']);

const commands = Object.entries(taskfile.tasks).flatMap(([task, def]) =>
  def.cmds.map((cmd) => ({ task, cmd })),
);

describe('Taskfile.yaml', () => {
  it('has the task names users of the old tool know', () => {
    expect(Object.keys(taskfile.tasks)).toEqual(
      expect.arrayContaining([
        'test:all',
        'test:unit',
        'test:integration',
        'test:acceptance',
        'test:unit:setup',
        'synth',
        'validate',
        'logs:analysis',
        'logs:analysis:latest',
      ]),
    );
  });

  it('delegates every task to pnpm or kubectl, so nothing requires `task`', () => {
    for (const { task, cmd } of commands) {
      expect(cmd, `task ${task}`).toMatch(/^(pnpm|kubectl) /);
    }
  });

  it.each(commands.filter(({ cmd }) => cmd.startsWith('pnpm ')))(
    '$task runs an existing pnpm script: $cmd',
    ({ cmd }) => {
      const name = cmd.split(/\s+/)[1] ?? '';
      const script = name === 'run' ? (cmd.split(/\s+/)[2] ?? '') : name;
      expect(
        PNPM_BUILTINS.has(script) || Object.hasOwn(scripts, script),
        `no script "${script}" in package.json`,
      ).toBe(true);
    },
  );
});

import { cpSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { planMigration } from './dist/index.js';
const dir = mkdtempSync('/tmp/mig-');
cpSync('../../examples/scenarios/old-tool', dir, { recursive: true });
execFileSync('git', ['init', '-q'], { cwd: dir });
execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/image-factory-state.git'], { cwd: dir });
const r = planMigration(dir);
if (!r.ok) { console.log(r.problems); process.exit(1); }
console.log(r.plan.moves);
for (const c of r.plan.changes) { console.log('==', c.kind, c.file, c.movedFrom ?? '', c.what); if (c.after) console.log(c.after); }
console.log(dir);

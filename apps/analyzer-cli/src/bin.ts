#!/usr/bin/env node
import { run } from './program.js';

// The only place in the repository that turns a result into a process exit code.
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

#!/usr/bin/env node
import { run } from './program.js';

// A reader that goes away (`image-factory ... | head`) makes the next write fail with EPIPE, which
// Node raises as an 'error' event: without a listener that is an uncaught exception and a stack
// trace. Commands notice through their own listeners (base-images stops); the process exits 1.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => {
    process.exitCode = 1;
  });
}

// The only place in the repository that turns a result into a process exit code.
const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = Math.max(code, Number(process.exitCode ?? 0));

#!/usr/bin/env node
// The synth app's entry point: `node dist/main.js [--state-dir DIR] [--out FILE] [--check]`
// (also run by `cdk8s synth`, see cdk8s.yaml). The only place that prints and sets the exit code.
import { runSynth } from './cli.js';

const result = await runSynth(process.argv.slice(2), { env: process.env, cwd: process.cwd() });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;

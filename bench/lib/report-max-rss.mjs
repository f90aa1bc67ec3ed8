// Preloaded with `node --import` when GNU time is not installed: writes the process's peak RSS
// (KiB, like GNU time's %M) and its user and system CPU time (seconds, like %U %S) to
// $BENCH_RSS_FILE when the process exits.

import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, `${usage.maxRSS} ${usage.userCPUTime / 1e6} ${usage.systemCPUTime / 1e6}\n`);
  });
}

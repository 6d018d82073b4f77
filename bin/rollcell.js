#!/usr/bin/env node
// rollcell CLI entry: runs the TypeScript sources directly through tsx, so `npm ci` is the only set-up.
import { register } from 'tsx/esm/api';

// A reader that stops early (`rollcell runs export <id> | head`) closes the pipe: that is not an
// error of ours — stop quietly instead of printing an EPIPE stack trace.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(0);
  throw e;
});

register();
const { main } = await import('../src/cli/main.ts');
// the bin shows progress of long work on stderr (a bar on a terminal, plain lines otherwise; --quiet: none)
process.exitCode = await main(process.argv.slice(2), undefined, { progress: true, stdout: process.stdout });

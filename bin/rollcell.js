#!/usr/bin/env node
// rollcell CLI entry: runs the TypeScript sources directly through tsx, so `npm ci` is the only set-up.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// Runs the TypeScript sources directly, like the CLI: `npm run bench -- NAME [options]`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

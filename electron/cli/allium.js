#!/usr/bin/env node
// The `allium` command (package.json's bin): loads TypeScript through tsx, as `npm run cli` does, and starts the terminal client.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');

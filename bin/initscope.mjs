#!/usr/bin/env node
// The `initscope` command: the built CLI (dist/cli.js, made by `npm run build`).
import '../dist/cli.js';

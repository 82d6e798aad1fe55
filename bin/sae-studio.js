#!/usr/bin/env node
// The package's bin: the CLI runs from its TypeScript sources through tsx.
import '../src-main/cli/bin.js';

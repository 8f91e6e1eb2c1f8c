#!/usr/bin/env node
// `npx tide …`: runs the CLI from its TypeScript sources through tsx, so integration folders
// (TypeScript, loaded at run time) work the same with or without a build.
import { register } from 'tsx/esm/api';

register();
await import('../adapters/node/cli/main.ts');

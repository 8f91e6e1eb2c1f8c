/** Runs in Node: a real Port emulator on loopback for the Worker under test; its URL reaches the Worker as a binding. */
import type { TestProject } from 'vitest/node';
import { createPortEmulator } from '../../../emulator/index.ts';
import { CLIENT_ID, CLIENT_SECRET } from './constants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = createPortEmulator({ credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  const url = await emulator.listen(0);
  project.provide('emulatorUrl', url);
  return () => emulator.close();
}

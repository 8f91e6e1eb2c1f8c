/**
 * vitest globalSetup of the `kafka` project: one real Kafka broker per test run (Java start-up takes
 * seconds), its address handed to the tests with `provide('kafkaBroker', …)`.
 *
 * Without Java (or without Maven while the jars are not cached), a developer's run says so loudly and
 * the Kafka tests skip; under CI (CI=true) the same situation fails the run instead.
 */
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ensureKafkaJars, missingPrerequisites, reapStaleBrokers, startBroker, stopBroker, type BrokerInfo } from './broker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `null`: no broker on this machine (the Kafka tests skip); only outside CI. */
    kafkaBroker: BrokerInfo | null;
  }
}

export const inCi = (): boolean => {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
};

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const missing = missingPrerequisites();
  if (missing.length) {
    const message = `the Kafka tests need ${missing.join(' and ')} on PATH`;
    if (inCi()) throw new Error(`[kafka] ${message}; CI must run them (install them in .ci/run)`);
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\n!! SKIPPING THE KAFKA TESTS: ${message}.\n!! Install a JDK 17+ and Maven to run them (CI runs them).\n${bar}\n`);
    project.provide('kafkaBroker', null);
    return undefined;
  }
  ensureKafkaJars();
  await reapStaleBrokers();
  const info = await startBroker();
  project.provide('kafkaBroker', info);
  return async () => {
    // broker.json names the current pid: a test may have restarted the broker.
    await stopBroker(info.dir);
    rmSync(info.dir, { recursive: true, force: true });
  };
}

/**
 * A real Apache Kafka broker for the KAFKA listener's tests: jars from Maven Central (fetch.sh), one
 * combined broker+controller node in KRaft mode on loopback, SASL/SCRAM-SHA-512 on the client listener.
 * The broker's state lives in one folder (`broker.json` there names its ports and current pid), so a
 * test can restart it and the global teardown still stops whichever process is current.
 *
 * CLI: `tsx scripts/kafka/broker.ts start [dir]` / `stop [dir]` (scripts/kafka/broker.sh wraps it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_USERNAME = 'tide';
export const KAFKA_PASSWORD = 'tide-secret';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
export const KAFKA_LIBS = join(ROOT, '.cache', 'kafka', 'libs');

/** What tests need to reach the broker; also written to `{dir}/broker.json`. */
export interface BrokerInfo {
  dir: string;
  /** `127.0.0.1:{clientPort}`: SASL_PLAINTEXT with SCRAM-SHA-512. */
  brokers: string[];
  clientPort: number;
  internalPort: number;
  controllerPort: number;
  username: string;
  password: string;
  pid?: number;
}

/** Java runs the broker; Maven is needed only while the jars are not cached yet. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!onPath('java')) missing.push('java (a JDK/JRE 17+)');
  if (!existsSync(join(KAFKA_LIBS, '.complete')) && !onPath('mvn')) missing.push('mvn (Maven, to fetch the Kafka jars once)');
  return missing;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Run fetch.sh (a no-op when the cache is current). */
export function ensureKafkaJars(): void {
  const r = spawnSync('bash', [join(HERE, 'fetch.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`scripts/kafka/fetch.sh failed (exit ${r.status ?? r.signal})`);
}

/** A port that was free a moment ago (the broker binds it next; loopback only). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding, not starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(info: BrokerInfo): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${info.controllerPort}`,
    // Clients authenticate like Port's (SCRAM-SHA-512, here without TLS); the node talks to itself in plaintext.
    `listeners=CLIENT://127.0.0.1:${info.clientPort},INTERNAL://127.0.0.1:${info.internalPort},CONTROLLER://127.0.0.1:${info.controllerPort}`,
    `advertised.listeners=CLIENT://127.0.0.1:${info.clientPort},INTERNAL://127.0.0.1:${info.internalPort}`,
    'listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=INTERNAL',
    'controller.listener.names=CONTROLLER',
    'listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512',
    'listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    `log.dirs=${join(info.dir, 'data')}`,
    // Topics are created explicitly with one partition, as Port's are.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.flush.interval.messages=1',
    '',
  ].join('\n');
}

function java(info: BrokerInfo, args: string[], logName: string): { cmd: string; args: string[]; log: string } {
  return {
    cmd: 'java',
    // Small heap and the client compiler: the test machine is a loaded 2-core box.
    args: ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true', '-cp', `${KAFKA_LIBS}/*`, ...args],
    log: join(info.dir, logName),
  };
}

/** Format storage (with the SCRAM user), start the broker and wait until it serves SASL clients. */
export async function startBroker(dir = join(tmpdir(), `tide-kafka-${process.pid}-${Date.now()}`), timeoutMs = 120_000): Promise<BrokerInfo> {
  mkdirSync(dir, { recursive: true });
  const info: BrokerInfo = {
    dir,
    clientPort: await freePort(),
    internalPort: await freePort(),
    controllerPort: await freePort(),
    brokers: [],
    username: KAFKA_USERNAME,
    password: KAFKA_PASSWORD,
  };
  info.brokers = [`127.0.0.1:${info.clientPort}`];
  const props = join(dir, 'server.properties');
  writeFileSync(props, serverProperties(info));
  const format = java(info, ['kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', props, '--add-scram', `SCRAM-SHA-512=[name=${KAFKA_USERNAME},password=${KAFKA_PASSWORD}]`], 'format.log');
  const r = spawnSync(format.cmd, format.args, { encoding: 'utf8' });
  writeFileSync(format.log, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) throw new Error(`Kafka storage format failed (exit ${r.status ?? r.signal}); see ${format.log}`);
  await launchBroker(info, timeoutMs);
  return info;
}

/** Start the broker process on an already formatted folder (a restart keeps ports and data). */
export async function launchBroker(info: BrokerInfo, timeoutMs = 120_000): Promise<BrokerInfo> {
  const run = java(info, ['kafka.Kafka', join(info.dir, 'server.properties')], 'broker.log');
  const log = openSync(run.log, 'a');
  // Detached: a test worker that exits, or a Ctrl-C aimed at vitest, must not leave half a broker;
  // the owner (global teardown or `broker.sh stop`) stops it by the pid recorded in broker.json.
  const child = spawn(run.cmd, run.args, { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.unref();
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited (${code ?? signal})`));
  info.pid = child.pid;
  writeFileSync(join(info.dir, 'broker.json'), JSON.stringify(info, null, 2));
  await waitReady(info, timeoutMs, () => exited);
  return info;
}

/** Until an authenticated client can list topics; fails early when the process died. */
async function waitReady(info: BrokerInfo, timeoutMs: number, died: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const state = died();
    if (state) throw new Error(`the Kafka broker ${state}; see ${join(info.dir, 'broker.log')}`);
    const admin = brokerClient(info).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the Kafka broker did not become ready within ${timeoutMs} ms (${last}); see ${join(info.dir, 'broker.log')}`);
}

/** A kafkajs client for tests and tools (SASL/SCRAM, no TLS, quiet, few retries). */
export function brokerClient(info: Pick<BrokerInfo, 'brokers' | 'username' | 'password'>, clientId = 'tide-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: info.brokers,
    sasl: { mechanism: 'scram-sha-512', username: info.username, password: info.password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 200 },
    connectionTimeout: 3000,
  });
}

export function readBrokerInfo(dir: string): BrokerInfo {
  return JSON.parse(readFileSync(join(dir, 'broker.json'), 'utf8')) as BrokerInfo;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether `pid` is still this folder's broker: a recorded pid may have been reused by an unrelated
 * process after a crash. Where /proc is missing (macOS) the recorded pid is trusted.
 */
function isOurBroker(pid: number, dir: string): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dir, 'server.properties'));
  } catch {
    return !existsSync('/proc');
  }
}

/** SIGTERM the recorded broker process (Kafka shuts down cleanly), SIGKILL after `graceMs`. */
export async function stopBroker(dir: string, graceMs = 30_000): Promise<void> {
  if (!existsSync(join(dir, 'broker.json'))) return;
  const { pid } = readBrokerInfo(dir);
  if (!pid || !isOurBroker(pid, dir)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Brokers left by a test run that was killed before its teardown (the broker is detached): stop those
 * whose owning vitest process (the pid in the folder name) is gone, and remove their folders.
 */
export async function reapStaleBrokers(): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    const owner = /^tide-kafka-(\d+)-\d+$/.exec(name)?.[1];
    if (!owner || Number(owner) === process.pid || alive(Number(owner))) continue;
    const dir = join(tmpdir(), name);
    await stopBroker(dir).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Create topics with one partition (Port's change topics have one), skipping those that exist. */
export async function createTopics(info: BrokerInfo, topics: string[]): Promise<void> {
  const admin = brokerClient(info).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 1 })) });
  } finally {
    await admin.disconnect();
  }
}

async function cli(argv: string[]): Promise<void> {
  const [command, dirArg] = argv;
  const dir = resolve(dirArg ?? join(ROOT, '.cache', 'kafka', 'broker'));
  if (command === 'start') {
    const missing = missingPrerequisites();
    if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
    ensureKafkaJars();
    await stopBroker(dir);
    const info = existsSync(join(dir, 'broker.json')) ? await launchBroker(readBrokerInfo(dir)) : await startBroker(dir);
    console.log(`Kafka broker ready at ${info.brokers.join(',')} (SASL_PLAINTEXT, SCRAM-SHA-512, ${info.username}/${info.password}); pid ${info.pid}; folder ${dir}`);
  } else if (command === 'stop') {
    await stopBroker(dir);
    console.log(`Kafka broker in ${dir} stopped`);
  } else {
    throw new Error('usage: broker.ts start|stop [dir]');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

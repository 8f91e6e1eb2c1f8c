/**
 * `tide`'s commands and flags (docs/behaviour.md §8); `main.ts` is the entry that runs them. Each
 * command lives in its own file and is imported when it runs, so `tide version` never loads jq-wasm or
 * SQLite. Exit statuses: 0 success, 1 a failed run (or a selector error in `tide map`), 2 bad arguments
 * or invalid settings.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { TIDE_VERSION } from '../../../src/runtime/index.ts';
import { CliError } from './context.ts';

const BOOLEAN_WORDS = /^(true|false|1|0|yes|no|on|off)$/i;
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL'];

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name}: expected an integer ${min}..${max}`);
    return Number(value);
  };
}

function booleanWord(value: string): boolean {
  if (!BOOLEAN_WORDS.test(value)) throw new InvalidArgumentError('expected true or false');
  return /^(true|1|yes|on)$/i.test(value);
}

function logLevel(value: string): string {
  if (!LOG_LEVELS.includes(value.toUpperCase())) throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}`);
  const upper = value.toUpperCase();
  return upper === 'WARN' ? 'WARNING' : upper;
}

/**
 * `-i` alone means true (§8.1), but commander would take a following positional (`tide sail -i fake`)
 * as its value: a bare `-i` not followed by a boolean word becomes `--initialize-port-resources=true`.
 */
export function normaliseArgv(argv: string[]): string[] {
  return argv.map((arg, i) => {
    if (arg !== '-i' && arg !== '--initialize-port-resources') return arg;
    const next = argv[i + 1];
    return next !== undefined && BOOLEAN_WORDS.test(next) ? arg : '--initialize-port-resources=true';
  });
}

const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function setExit(code: number | undefined): void {
  if (code !== undefined) process.exitCode = code;
}

const logOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('-l, --log-level <level>', 'DEBUG, INFO, WARNING, ERROR or CRITICAL').argParser(logLevel))
    .addOption(new Option('--log-format <format>', 'log line format').choices(['pretty', 'json']));

export function buildProgram(): Command {
  const program = new Command('tide')
    .description('Tide: keep a Port developer portal in sync with your engineering tools (Ocean-compatible)')
    .version(TIDE_VERSION, '-V, --version', 'print the core version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  logOptions(
    program
      .command('sail')
      .description('run an integration (a folder path or a bundled name)')
      .argument('[integration]', 'integration folder or bundled name', '.')
      .option('--once', 'run one resync and exit (eventListener ONCE)')
      .option('--dry-run', 'write nothing to Port: run each resync as a plan')
      .option('--mapping <file>', "this run's mapping (YAML/JSON), pushed to Port before the resync (OCEAN__MAPPING_FILE)")
      .option('--force', 'also apply destructive blueprint changes from blueprints.json (removed or retyped properties)')
      .addOption(new Option('-p, --port <port>', 'HTTP port of the integration server (default 8000, APPLICATION__PORT)').argParser(integer('--port', 0, 65535)))
      .addOption(new Option('-i, --initialize-port-resources [bool]', 'create the default blueprints and mapping on first start').argParser(booleanWord)),
  ).action(async (integration: string, flags) => {
    const { runSail } = await import('./sail.ts');
    setExit(await runSail(integration, flags));
  });

  logOptions(
    program
      .command('plan')
      .description('what a resync would do, writing nothing (tide sail --once --dry-run)')
      .argument('[integration]', 'integration folder or bundled name', '.')
      .option('--validate', 'have Port validate the changed entities (validation_only=true)')
      .option('--mapping <file>', 'plan with this mapping (YAML/JSON) and show what it would change; writes nothing')
      .addOption(new Option('--max-deletes <n>', 'fail when the plan deletes more entities').argParser(integer('--max-deletes', 0, Number.MAX_SAFE_INTEGER)))
      .option('--json', 'print the plan and deletion report as JSON'),
  ).action(async (integration: string, flags) => {
    const { runPlan } = await import('./plan.ts');
    setExit(await runPlan(integration, flags, err));
  });

  program
    .command('map')
    .description('preview and debug the mapping of one kind, locally (never writes to Port)')
    .argument('<integration>', 'integration folder or bundled name')
    .requiredOption('--kind <kind>', 'apply every resource of this kind, in mapping order')
    .addOption(new Option('--index <i>', 'only resources[i]').argParser(integer('--index', 0, Number.MAX_SAFE_INTEGER)))
    .option('--input <file>', 'raw items: a JSON array or NDJSON ("-" for stdin); default: one page from the integration')
    .option('--mapping <file>', 'port-app-config YAML/JSON instead of the shipped .port/resources/port-app-config')
    .option('--json', 'print only the resulting entity bodies, as a JSON array')
    .addOption(new Option('--engines', 'print which engine runs each jq program of these resources, as JSON: "fast" (compiled) or "jq" (jq-wasm)').conflicts(['json', 'input']))
    .option('--explain', 'with --engines: also the construct that kept each "jq" program from compiling')
    .action(async (integration: string, flags) => {
      const { runMap } = await import('./map.ts');
      setExit(await runMap(integration, flags, process.cwd(), out, err));
    });

  program
    .command('new')
    .description('scaffold an integration folder (non-interactive; writes no secrets)')
    .argument('<name>', 'integration type: lowercase letters, digits and "-"')
    .option('--dir <dir>', 'target folder (default ./<name>)')
    .option('--description <text>', "the integration's description")
    .action(async (name: string, flags) => {
      const { runNew } = await import('./new.ts');
      const made = runNew(name, flags, process.cwd());
      out(`created ${made.dir}:\n${made.files.map((f) => `  ${f}`).join('\n')}`);
      out(made.inCheckout ? `test it: npx vitest run ${made.dir}` : `next: cd ${made.dir} && npm install && npm test`);
    });

  program
    .command('list')
    .description('the integrations bundled with Tide')
    .action(async () => {
      const { listText } = await import('./list.ts');
      out(listText());
    });

  const actions = program.command('actions').description('self-service actions of an integration (docs/behaviour.md §11)');
  actions
    .command('list')
    .description('the action types the integration declares')
    .argument('[integration]', 'integration folder or bundled name', '.')
    .action(async (integration: string) => {
      const { actionsListText } = await import('./actions.ts');
      out(await actionsListText(integration, process.cwd()));
    });
  logOptions(
    actions
      .command('run')
      .description('execute one run locally: created in the local Port, claimed and executed by the agent; prints status, logs and link')
      .argument('<type>', 'the action type')
      .argument('[integration]', 'integration folder or bundled name', '.')
      .option('--properties <json>', "the run's execution properties, a JSON object", '{}')
      .option('--action <identifier>', "the Port action's identifier (default: the type)")
      .option('--admin-token <token>', "the local Port's admin token, when it was started with one")
      .addOption(new Option('--timeout <seconds>', 'give up waiting for the run after this long (default 600)').argParser(integer('--timeout', 1, 86_400))),
  ).action(async (type: string, integration: string, flags) => {
    const { runActionCommand } = await import('./actions.ts');
    setExit(await runActionCommand(type, integration, flags, process.cwd(), out));
  });

  program
    .command('version')
    .description('print the core version')
    .option('--short', 'only the version string')
    .action(async (flags: { short?: boolean }) => {
      const { versionText } = await import('./version.ts');
      out(versionText(flags.short === true));
    });

  const defaults = program.command('defaults').description('default Port resources of an integration (docs/behaviour.md §7.3)');
  logOptions(
    defaults
      .command('dock')
      .description('provision the defaults (§7.1) and exit')
      .argument('[path]', 'integration folder or bundled name', '.')
      .option('--update', 'push the file mapping and additive blueprint changes to Port (even a real one)')
      .option('--force', 'with --update, also apply destructive blueprint changes')
      .option('--mapping <file>', 'the mapping to push instead of .port/resources/port-app-config (OCEAN__MAPPING_FILE)'),
  ).action(
    async (path: string, flags) => {
      const { runDefaults } = await import('./defaults.ts');
      setExit(await runDefaults('dock', path, flags, process.cwd(), out));
    },
  );
  logOptions(
    defaults
      .command('clean')
      .description('delete the default blueprints (and with --destroy the integration)')
      .argument('[path]', 'integration folder or bundled name', '.')
      .option('-f, --force', 'delete the blueprints with all their entities')
      .option('-w, --wait', "wait for Port's delete migrations to finish")
      .option('-d, --destroy', 'also delete the integration record'),
  ).action(async (path: string, flags) => {
    const { runDefaults } = await import('./defaults.ts');
    setExit(await runDefaults('clean', path, flags, process.cwd(), out));
  });

  program
    .command('port-local')
    .description('run the local Port emulator as a standalone server (flags: see port-local --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (args: string[]) => {
      const { runPortLocalCommand } = await import('./port-local.ts');
      await runPortLocalCommand(args);
    });

  program
    .command('ui')
    .description('open an existing catalog in the local Port\'s web UI (flags: --db FILE, --port N, and the port-local flags)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (args: string[]) => {
      const { runPortLocalCommand } = await import('./port-local.ts');
      await runPortLocalCommand(args);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(normaliseArgv(argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; every usage error is exit 2 (commander already printed it).
      // (Help asked for, and the version, have exit code 0; help shown for a missing command has 1.)
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof CliError) {
      err(error.message);
      process.exitCode = error.exitCode;
      return;
    }
    err(`[tide] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
}


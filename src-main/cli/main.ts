/** The `flowscope` command line. Each command is a thin adapter over src-main services. */
import { Command, CommanderError } from 'commander';
import { resolveDataDir } from '../config/data-dir.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';
import { DEFAULT_UI_PORT } from '../transports/http/server.js';
import { collect, parsePort, parsePositiveInt, parseSeconds, parseSize } from './parse.js';
import { relaunchWithUpstreamCas, upstreamCasPreloaded } from './extra-ca-relaunch.js';
import { listFlows, showFlow } from './read.js';
import { serve } from './serve.js';
import { printStatus, statusReport } from './status.js';

interface ServeFlags {
  proxyPort?: number;
  host?: string;
  dataDir?: string;
  maxBodySize?: number;
  upstreamCa: string[];
  insecureHost: string[];
  responseTimeout?: number;
  retainFlows?: number;
  retainDays?: number;
  retainSize?: number;
  uiPort: number;
  uiHost: string;
  ui: boolean;
  open?: boolean;
}

const MIB = 1024 * 1024;

/** Only the settings given on the command line: they win over the stored ones for this run. */
function settingsFromFlags(flags: ServeFlags): Partial<Settings> {
  const retention = {
    ...(flags.retainFlows !== undefined && { maxFlows: flags.retainFlows }),
    ...(flags.retainDays !== undefined && { maxAgeDays: flags.retainDays }),
    ...(flags.retainSize !== undefined && { maxDbMegabytes: Math.ceil(flags.retainSize / MIB) }),
  };
  return {
    ...(flags.proxyPort !== undefined && { proxyPort: flags.proxyPort }),
    ...(flags.host !== undefined && { proxyHost: flags.host }),
    ...(flags.maxBodySize !== undefined && { maxBodySize: flags.maxBodySize }),
    ...(Object.keys(retention).length > 0 && { retention: { ...DEFAULT_SETTINGS.retention, ...retention } }),
  };
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('flowscope')
    .description('Flowscope: capture, inspect and replay HTTP, HTTPS and WebSocket traffic.')
    .showHelpAfterError('(run `flowscope --help` for usage)')
    .exitOverride();
  const dataDirOption = ['--data-dir <dir>', 'where the CA and the store live (default: $FLOWSCOPE_DATA_DIR or the app-data folder)'] as const;

  program
    .command('serve')
    .description('start the proxy and the UI, capturing every flow into the store until stopped (Ctrl+C)')
    .option('-p, --proxy-port <port>', `proxy port (default: the stored setting, else ${DEFAULT_SETTINGS.proxyPort})`, parsePort)
    .option('--host <host>', 'address the proxy listens on; other than loopback lets other machines use it (default: 127.0.0.1)')
    .option(...dataDirOption)
    .option('--max-body-size <bytes>', 'keep at most this much of each body, e.g. 1048576 or 1mb (default: 1mb)', parseSize)
    .option('--ui-port <port>', 'port of the UI and REST API', parsePort, DEFAULT_UI_PORT)
    .option('--ui-host <host>', 'address the UI listens on', '127.0.0.1')
    .option('--no-ui', 'run the proxy only, without the UI and REST API')
    .option('--open', 'open the UI in the default browser')
    .option('--upstream-ca <file>', 'also trust this PEM CA for upstream servers (repeatable)', collect, [])
    .option('--insecure-host <host>', 'do not verify the upstream certificate of this host (repeatable)', collect, [])
    .option('--response-timeout <seconds>', 'answer 504 when the upstream sends no response headers in time (default 60)', parseSeconds)
    .option('--retain-flows <count>', 'keep at most this many flows, deleting the oldest', parsePositiveInt)
    .option('--retain-days <days>', 'delete flows older than this many days', parsePositiveInt)
    .option('--retain-size <size>', 'keep the store under this size (e.g. 2gb)', parseSize)
    .action(async (flags: ServeFlags) => {
      const dataDir = resolveDataDir(flags.dataDir);
      if (flags.upstreamCa.length > 0 && !upstreamCasPreloaded()) {
        setExit(await relaunchWithUpstreamCas(flags.upstreamCa, dataDir));
        return;
      }
      setExit(await serve({
        dataDir,
        flags: settingsFromFlags(flags),
        uiPort: flags.uiPort,
        uiHost: flags.uiHost,
        ui: flags.ui,
        open: flags.open === true,
        // Relaunched with them in NODE_EXTRA_CA_CERTS: nothing more to add.
        upstreamCaFiles: [],
        insecureHosts: flags.insecureHost,
        ...(flags.responseTimeout ? { responseTimeoutMs: flags.responseTimeout * 1000 } : {}),
      }));
    });

  program
    .command('status')
    .description('is a proxy running on this data directory, and what the store holds')
    .option(...dataDirOption)
    .option('--json', 'print JSON')
    .action((flags: { dataDir?: string; json?: boolean }) => {
      printStatus(statusReport(resolveDataDir(flags.dataDir)), !!flags.json);
    });

  program
    .command('list')
    .description('list the newest flows')
    .option(...dataDirOption)
    .option('-n, --limit <count>', 'how many flows', parsePositiveInt, 50)
    .option('--json', 'print JSON')
    .action((flags: { dataDir?: string; limit: number; json?: boolean }) => {
      listFlows(resolveDataDir(flags.dataDir), flags.limit, !!flags.json);
    });

  program
    .command('show')
    .description('show one flow: request, response, headers, bodies, messages')
    .argument('<id>', 'flow id (see `flowscope list`)', parsePositiveInt)
    .option(...dataDirOption)
    .option('--json', 'print JSON, bodies in base64')
    .action((id: number, flags: { dataDir?: string; json?: boolean }) => {
      if (!showFlow(resolveDataDir(flags.dataDir), id, !!flags.json)) {
        process.stderr.write(`flowscope: there is no flow ${id}. Run \`flowscope list\` to see the ids.\n`);
        setExit(1);
      }
    });
  return program;
}

/** Runs the CLI and returns the exit code; errors become one plain line, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`flowscope: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.FLOWSCOPE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
  return exitCode;
}

/** The `flowscope` command line. Each command is a thin adapter over src-main services. */
import { Command, CommanderError } from 'commander';
import { resolveDataDir } from '../config/data-dir.js';
import path from 'node:path';
import { settingsPatch, type SettingsPatch } from '../../src-shared/api/validate-settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/model/settings.js';
import { hashPatchSecrets } from '../policy/secrets.js';
import { DEFAULT_UI_PORT } from '../transports/http/server.js';
import { collect, parseIdList, parsePort, parsePositiveInt, parseSeconds, parseSize } from './parse.js';
import { relaunchWithUpstreamCas, upstreamCasPreloaded } from './extra-ca-relaunch.js';
import { printAuthLog } from './auth-log.js';
import { browserCommand } from './browser.js';
import { captureCommand } from './capture.js';
import { caTrustCommand } from './ca-trust.js';
import { systemProxyCommand } from './system-proxy.js';
import { runCommand } from './run.js';
import { caExportCommand, caRegenerate, caReport, caSystemTrust, printCaReport } from './ca.js';
import { listFlows, showFlow } from './read.js';
import { replayCommand } from './replay.js';
import { exportCommand, importCommand } from './transfer.js';
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
  mode: string[];
  keepHostHeader?: boolean;
  upstream: string[];
  upstreamRotation?: string;
  passthroughHost: string[];
  interceptOnlyHost: string[];
  block: string[];
  proxyAuth?: string;
  proxyAuthToken?: string;
  allowIp: string[];
  denyIp: string[];
  maxConcurrent?: number;
  connectTimeout?: number;
  idleTimeout?: number;
  maxRequestBody?: number;
  llmHost: string[];
  logDir?: string;
}

const MIB = 1024 * 1024;

/** The policy settings given as flags, checked like any settings patch (same messages), secrets hashed. */
function policyFromFlags(flags: ServeFlags): Partial<Settings> {
  const limits = {
    ...(flags.maxConcurrent !== undefined && { maxConcurrent: flags.maxConcurrent }),
    ...(flags.connectTimeout !== undefined && { connectTimeoutSeconds: Math.ceil(flags.connectTimeout) }),
    ...(flags.idleTimeout !== undefined && { idleTimeoutSeconds: Math.ceil(flags.idleTimeout) }),
    ...(flags.maxRequestBody !== undefined && { maxRequestBodyBytes: flags.maxRequestBody }),
  };
  if (flags.proxyAuth !== undefined && flags.proxyAuthToken !== undefined) throw new Error('Give either --proxy-auth or --proxy-auth-token, not both.');
  let proxyAuth: SettingsPatch['proxyAuth'];
  if (flags.proxyAuth !== undefined) {
    const colon = flags.proxyAuth.indexOf(':');
    if (colon < 1) throw new Error('--proxy-auth takes USER:PASSWORD, e.g. --proxy-auth alice:s3cret.');
    proxyAuth = { type: 'basic', user: flags.proxyAuth.slice(0, colon), password: flags.proxyAuth.slice(colon + 1) };
  } else if (flags.proxyAuthToken !== undefined) proxyAuth = { type: 'bearer', token: flags.proxyAuthToken };
  const patch: Record<string, unknown> = {
    ...(flags.mode.length > 0 && { modes: flags.mode }),
    ...(flags.keepHostHeader && { keepHostHeader: true }),
    ...(flags.upstream.length > 0 && { upstreamProxies: flags.upstream }),
    ...(flags.upstreamRotation !== undefined && { upstreamRotation: flags.upstreamRotation }),
    ...(flags.passthroughHost.length > 0 && { tlsPassthroughHosts: flags.passthroughHost }),
    ...(flags.interceptOnlyHost.length > 0 && { tlsInterceptOnlyHosts: flags.interceptOnlyHost }),
    ...(flags.block.length > 0 && { blockRules: flags.block.map((pattern) => ({ pattern, kind: 'regex', action: 'deny' })) }),
    ...(proxyAuth && { proxyAuth }),
    ...(flags.allowIp.length > 0 && { allowIps: flags.allowIp }),
    ...(flags.denyIp.length > 0 && { denyIps: flags.denyIp }),
    ...(Object.keys(limits).length > 0 && { limits: { ...DEFAULT_SETTINGS.limits, ...limits } }),
    ...(flags.llmHost.length > 0 && { llmHosts: flags.llmHost }),
    ...(flags.logDir !== undefined && { logDir: path.resolve(flags.logDir) }),
  };
  try {
    return hashPatchSecrets(settingsPatch('flags', patch));
  } catch (error) {
    throw new Error((error as Error).message.replace(/^flags: /, ''));
  }
}

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
    ...policyFromFlags(flags),
  };
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('flowscope')
    .description('Flowscope: capture, inspect and replay HTTP, HTTPS and WebSocket traffic.')
    .showHelpAfterError('(run `flowscope --help` for usage)')
    .exitOverride()
    .enablePositionalOptions();
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
    .option('--mode <mode>', 'regular (forward proxy) or reverse:URL (everything to that backend), each optionally @PORT; repeatable', collect, [])
    .option('--keep-host-header', 'reverse mode: pass the client\'s Host header on to the backend')
    .option('--upstream <url>', 'send traffic through this proxy (http://, https://, socks5://, user:pass@ allowed); repeat for a pool', collect, [])
    .option('--upstream-rotation <how>', 'round-robin or random, for a pool of upstream proxies')
    .option('--passthrough-host <pattern>', 'do not decrypt TLS to this host (example.com, *.example.com); repeatable', collect, [])
    .option('--intercept-only-host <pattern>', 'decrypt TLS to these hosts only; repeatable', collect, [])
    .option('--block <regex>', 'answer 403 to requests whose full URL matches; repeatable', collect, [])
    .option('--proxy-auth <user:password>', 'require Basic proxy authentication')
    .option('--proxy-auth-token <token>', 'require this bearer token in Proxy-Authorization')
    .option('--allow-ip <ip-or-cidr>', 'only these clients may use the proxy; repeatable', collect, [])
    .option('--deny-ip <ip-or-cidr>', 'refuse these clients; repeatable', collect, [])
    .option('--max-concurrent <n>', 'at most this many upstream requests at once; more wait', parsePositiveInt)
    .option('--connect-timeout <seconds>', 'answer 504 when an upstream does not accept the connection in time', parseSeconds)
    .option('--idle-timeout <seconds>', 'answer 504 (or cut the response) when an upstream sends nothing for this long', parseSeconds)
    .option('--max-request-body <size>', 'refuse request bodies larger than this with 413 (e.g. 10mb)', parseSize)
    .option('--llm-host <host>', 'also classify this host as LLM traffic; repeatable', collect, [])
    .option('--log-dir <dir>', 'also append every flow as a JSON line to a dated file in this folder')
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
  const ca = program.command('ca').description('the CA: paths, fingerprints, validity and trust status')
    .option(...dataDirOption)
    .option('--json', 'print JSON')
    .action(async (flags: { dataDir?: string; json?: boolean }) => {
      printCaReport(await caReport(resolveDataDir(flags.dataDir)), flags.json === true);
    });
  ca.command('export')
    .description('write the CA certificate (never its key) as PEM, DER or PKCS#12')
    .option(...dataDirOption)
    .option('--format <format>', 'pem, der or p12', 'pem')
    .requiredOption('-o, --output <file>', 'where to write; - for standard output')
    .action(async (flags: { dataDir?: string; format: string; output: string }) => {
      const where = await caExportCommand(resolveDataDir(flags.dataDir ?? ca.opts<{ dataDir?: string }>().dataDir), flags.format, flags.output);
      if (where !== 'standard output') process.stderr.write(`Wrote the CA certificate (${flags.format}) to ${where}.\n`);
    });
  for (const action of ['trust', 'untrust'] as const) {
    ca.command(action)
      .description(action === 'trust' ? 'add the CA to this system\'s trust store' : 'remove the CA from this system\'s trust store')
      .option(...dataDirOption)
      .option('--store <store>', 'system (the OS store) or nss (the Chrome and Firefox databases on Linux)', 'system')
      .option('--nss-db <dir>', 'with --store nss: this NSS database folder only')
      .action(async (flags: { dataDir?: string; store: string; nssDb?: string }) => {
        const dataDir = resolveDataDir(flags.dataDir ?? ca.opts<{ dataDir?: string }>().dataDir);
        if (flags.store === 'nss') {
          setExit(await caTrustCommand(dataDir, action, { store: 'nss', ...(flags.nssDb !== undefined && { nssDb: flags.nssDb }) }));
          return;
        }
        if (flags.store !== 'system') throw new Error(`--store takes system or nss, not "${flags.store}".`);
        process.stdout.write(`${await caSystemTrust(dataDir, action)}\n`);
      });
  }
  ca.command('regenerate')
    .description('replace the CA with a new one (clients must trust the new one; remove the old trust)')
    .option(...dataDirOption)
    .action(async (flags: { dataDir?: string }) => {
      process.stdout.write(`${await caRegenerate(resolveDataDir(flags.dataDir ?? ca.opts<{ dataDir?: string }>().dataDir))}\n`);
    });

  program
    .command('system-proxy')
    .description('point the OS proxy at the running Flowscope (on), put it back (off), or say where it points (status)')
    .argument('<action>', 'on, off or status')
    .option(...dataDirOption)
    .action(async (action: string, flags: { dataDir?: string }) => {
      setExit(await systemProxyCommand(resolveDataDir(flags.dataDir), action));
    });

  program
    .command('browser')
    .description('open a browser with a fresh profile going through the running Flowscope, trusting its CA for that profile only')
    .argument('[browser]', 'chrome, chromium, edge, brave or firefox (default: the first found)')
    .argument('[url]', 'the page to open')
    .option(...dataDirOption)
    .option('--headless', 'without a window')
    .action(async (browser: string | undefined, url: string | undefined, flags: { dataDir?: string; headless?: boolean }) => {
      setExit(await browserCommand(resolveDataDir(flags.dataDir), browser, url, { headless: flags.headless === true }));
    });

  program
    .command('run')
    .description('run a command with its HTTP(S) traffic going through Flowscope (starts one when none runs here)')
    .argument('<command...>', 'the command and its arguments, after --')
    .option(...dataDirOption)
    .passThroughOptions()
    .action(async (command: string[], flags: { dataDir?: string }) => {
      setExit(await runCommand(resolveDataDir(flags.dataDir), command));
    });

  program
    .command('capture')
    .description('open URL in a headless Chromium through Flowscope and print the captured URLs that match, best first')
    .argument('<url>', 'the page to open')
    .option(...dataDirOption)
    .option('--match <regex>', 'only URLs matching this, e.g. \\.m3u8')
    .option('--click <selector>', 'click this (CSS selector) once the page has loaded, e.g. a play button')
    .option('--wait <seconds>', 'how long to let the page run after loading (and clicking)', parseSeconds, 5)
    .option('--json', 'print JSON: [{url, reasons}] best first')
    .action(async (url: string, flags: { dataDir?: string; match?: string; click?: string; wait: number; json?: boolean }) => {
      setExit(await captureCommand(resolveDataDir(flags.dataDir), url, {
        waitSeconds: flags.wait, json: flags.json === true,
        ...(flags.match !== undefined && { match: flags.match }),
        ...(flags.click !== undefined && { click: flags.click }),
      }));
    });

  program
    .command('auth-log')
    .description('list proxy authentication attempts (successes and failures), newest first')
    .option(...dataDirOption)
    .option('-n, --limit <count>', 'how many', parsePositiveInt, 100)
    .option('--json', 'print JSON')
    .action((flags: { dataDir?: string; limit: number; json?: boolean }) => {
      printAuthLog(resolveDataDir(flags.dataDir), { limit: flags.limit, json: flags.json === true });
    });

  program
    .command('replay')
    .description('send a stored request again; the exchange is stored as a new flow linked to it')
    .argument('<id>', 'flow id (see `flowscope list`)', parsePositiveInt)
    .option(...dataDirOption)
    .option('--target-url <url>', 'send it here instead: a full URL, or only an origin such as http://localhost:3000 (path and query kept)')
    .option('--keep-host', 'keep the original Host header when sending to --target-url')
    .action(async (id: number, flags: { dataDir?: string; targetUrl?: string; keepHost?: boolean }) => {
      setExit(await replayCommand(resolveDataDir(flags.dataDir), { id }, { keepHost: flags.keepHost === true, ...(flags.targetUrl && { targetUrl: flags.targetUrl }) }));
    });

  program
    .command('replay-range')
    .description('replay every flow with an id from FROM to TO, oldest first, one at a time')
    .argument('<from>', 'first flow id', parsePositiveInt)
    .argument('<to>', 'last flow id', parsePositiveInt)
    .option(...dataDirOption)
    .option('--delay <seconds>', 'pause between two requests', parseSeconds)
    .option('--target-url <url>', 'send them here instead: a full URL, or only an origin (paths and queries kept)')
    .option('--keep-host', 'keep the original Host headers when sending to --target-url')
    .action(async (from: number, to: number, flags: { dataDir?: string; delay?: number; targetUrl?: string; keepHost?: boolean }) => {
      if (to < from) throw new Error(`TO (${to}) is before FROM (${from}).`);
      setExit(await replayCommand(resolveDataDir(flags.dataDir), { from, to }, {
        keepHost: flags.keepHost === true,
        ...(flags.targetUrl && { targetUrl: flags.targetUrl }),
        ...(flags.delay !== undefined && { delaySeconds: flags.delay }),
      }));
    });

  program
    .command('export')
    .description('write flows to a HAR 1.2 file or Flowscope JSON (one flow per line, lossless)')
    .option(...dataDirOption)
    .option('--format <format>', 'har or json', 'har')
    .option('--filter <expr>', 'only the flows this filter matches (the filter language of the UI)')
    .option('--ids <ids>', 'only these flows, e.g. 3,4,9', parseIdList)
    .option('--redact', 'leave out credentials: Authorization, Cookie, Set-Cookie, token, API-key and secret headers')
    .requiredOption('-o, --output <file>', 'where to write; - for standard output')
    .action(async (flags: { dataDir?: string; format: string; filter?: string; ids?: number[]; redact?: boolean; output: string }) => {
      await exportCommand(resolveDataDir(flags.dataDir), {
        format: flags.format, redact: flags.redact === true, output: flags.output,
        ...(flags.filter !== undefined && { filter: flags.filter }),
        ...(flags.ids && { ids: flags.ids }),
      });
    });

  program
    .command('import')
    .description('add the flows of a HAR file (Chrome, Firefox, HTTP Toolkit...) or Flowscope JSON to the store')
    .argument('<file>', 'the file to import')
    .option(...dataDirOption)
    .action(async (file: string, flags: { dataDir?: string }) => {
      const result = await importCommand(resolveDataDir(flags.dataDir), file);
      process.stdout.write(`Imported ${result.imported} flows (${result.format === 'har' ? 'HAR' : 'Flowscope JSON'}) as flows ${result.firstId} to ${result.lastId}.
`);
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

/**
 * The environment of an intercepted terminal or `flowscope run` command: every common runtime is
 * told to send HTTP and HTTPS through Flowscope and to trust its CA. The set follows HTTP Toolkit's
 * terminal interception (httptoolkit-server src/interceptors/terminal/terminal-env-overrides.ts),
 * except that variables which replace a program's trust list point at a bundle of the usual roots
 * plus our CA instead of at our CA alone, so traffic that goes direct still verifies.
 */

export interface InterceptEnvOptions {
  /** The proxy's address, e.g. http://127.0.0.1:8080. */
  proxyUrl: string;
  /** The Flowscope CA alone (PEM). */
  caCertPath: string;
  /** The usual roots plus the Flowscope CA (see writeCaBundle). */
  bundlePath: string;
  /** The Node preload that routes http, https and fetch through the proxy. */
  preloadPath: string;
  /** The environment to start from (the user's). */
  baseEnv: NodeJS.ProcessEnv;
  /** Decides whether variable names are case-insensitive (Windows). Default: this machine's. */
  platform?: NodeJS.Platform;
}

/**
 * Both spellings: curl reads only the lower-case http_proxy (the upper-case one could come from a
 * CGI request header, "httpoxy"), while Go and others read the upper-case ones first. npm's own
 * settings win over HTTP(S)_PROXY when set in .npmrc, global-agent reads its own name, and some
 * CGI-hosting tools read CGI_HTTP_PROXY.
 *
 * ALL_PROXY is not set (nor by HTTP Toolkit): curl and others use it for every scheme that has no
 * variable of its own (ftp, smtp, ...) and some libraries take it as a SOCKS proxy. Flowscope is
 * an HTTP proxy, so it would break that traffic instead of capturing it. A user's own ALL_PROXY is
 * kept; programs prefer the scheme-specific variables set here for http and https.
 */
const PROXY_VARIABLES = [
  'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy',
  'npm_config_proxy', 'npm_config_https_proxy', 'GLOBAL_AGENT_HTTP_PROXY', 'CGI_HTTP_PROXY',
];

/**
 * Trust lists that replace a program's default roots: OpenSSL and everything on it (Python's ssl,
 * Ruby, PHP, Go), curl, Python requests, git, the AWS CLI, cargo, Perl LWP, Deno, pip. They get the
 * bundle. npm is left alone: it runs on Node, which trusts NODE_EXTRA_CA_CERTS already, and an
 * NPM_CONFIG_CAFILE would override a cafile the user chose in .npmrc.
 */
const BUNDLE_VARIABLES = [
  'SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'GIT_SSL_CAINFO', 'AWS_CA_BUNDLE',
  'CARGO_HTTP_CAINFO', 'PERL_LWP_SSL_CA_FILE', 'DENO_CERT', 'PIP_CERT',
];

/** Windows treats variable names case-insensitively; the first match wins, as it would there. */
function lookup(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/**
 * The --require option for NODE_OPTIONS. Node splits NODE_OPTIONS at spaces and, inside double
 * quotes only, takes a backslash as an escape. So a path with a space or a quote is quoted with
 * its backslashes and quotes escaped; any other path stays bare, where a Windows path's
 * backslashes are literal.
 */
export function nodeRequireOption(file: string): string {
  return /[\s"]/.test(file) ? `--require "${file.replace(/[\\"]/g, '\\$&')}"` : `--require ${file}`;
}

/** The user's NODE_OPTIONS kept, with our preload added once (a nested `flowscope run` adds nothing). */
function withPreload(existing: string | undefined, preloadPath: string): string {
  const option = nodeRequireOption(preloadPath);
  const current = (existing ?? '').trim();
  if (current.includes(option)) return current;
  return current ? `${current} ${option}` : option;
}

/**
 * The user's NO_PROXY entries, kept, under both spellings (curl, wget and Python read no_proxy
 * first, Go reads NO_PROXY first). Nothing is added, localhost included: curl 7.88 sends
 * localhost and 127.0.0.1 through the proxy when NO_PROXY does not name them (measured here), so
 * local development servers show up in Flowscope, which is what a user opening an intercepted
 * terminal wants. HTTP Toolkit does not touch NO_PROXY either.
 */
function mergedNoProxy(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  const entries: string[] = [];
  for (const value of [lookup(env, 'NO_PROXY', platform), lookup(env, 'no_proxy', platform)]) {
    for (const entry of (value ?? '').split(/[\s,]+/)) {
      if (entry && !entries.includes(entry)) entries.push(entry);
    }
  }
  return entries.length > 0 ? entries.join(',') : null;
}

/** Only the variables Flowscope sets (what a terminal script has to export). */
export function interceptVariables(options: InterceptEnvOptions): Record<string, string> {
  const platform = options.platform ?? process.platform;
  const variables: Record<string, string> = {};
  for (const name of PROXY_VARIABLES) variables[name] = options.proxyUrl;
  // Node adds this file to its own roots, so the CA alone is right here.
  variables.NODE_EXTRA_CA_CERTS = options.caCertPath;
  for (const name of BUNDLE_VARIABLES) variables[name] = options.bundlePath;
  // Node 20's http, https and fetch ignore HTTP(S)_PROXY (FACTS.md): the preload routes them.
  variables.NODE_OPTIONS = withPreload(lookup(options.baseEnv, 'NODE_OPTIONS', platform), options.preloadPath);
  const noProxy = mergedNoProxy(options.baseEnv, platform);
  if (noProxy !== null) {
    variables.NO_PROXY = noProxy;
    variables.no_proxy = noProxy;
  }
  // Tells programs, shell prompts and the preload that they run intercepted, and by which proxy.
  variables.FLOWSCOPE_ACTIVE = '1';
  variables.FLOWSCOPE_PROXY = options.proxyUrl;
  return variables;
}

/** The user's environment with the intercept variables set (on Windows, one entry per name whatever its case). */
export function interceptEnv(options: InterceptEnvOptions): NodeJS.ProcessEnv {
  const platform = options.platform ?? process.platform;
  const env: NodeJS.ProcessEnv = { ...options.baseEnv };
  for (const [name, value] of Object.entries(interceptVariables(options))) {
    if (platform === 'win32') {
      for (const key of Object.keys(env)) if (key.toUpperCase() === name.toUpperCase()) delete env[key];
    }
    env[name] = value;
  }
  return env;
}

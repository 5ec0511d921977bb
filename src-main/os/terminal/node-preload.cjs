'use strict';
/**
 * Loaded with `--require` (through NODE_OPTIONS) into every Node program started by `flowscope run`
 * or from a Flowscope terminal. Node 20 ignores HTTP(S)_PROXY, so this routes Node's own clients
 * through the proxy those variables name, as curl would: http.globalAgent, https.globalAgent and
 * the global fetch. NO_PROXY hosts and the proxy itself are reached directly.
 *
 * Plain CommonJS without dependencies, written for old Node too: it runs inside whatever Node the
 * user has. It must never break the program: when something here fails it warns once on stderr
 * and leaves Node as it was.
 *
 * Not covered: clients with an agent of their own (e.g. axios or ws given an agent, or ws's own
 * connections) and fetch calls made through a WebSocket or EventSource global before any fetch.
 */
/* global process, Buffer, URL, require */
/* eslint-disable @typescript-eslint/no-require-imports */

(function flowscopePreload() {
  let warned = false;
  function warn(reason) {
    if (warned) return;
    warned = true;
    try {
      process.stderr.write(`flowscope: this Node program's HTTP is not routed through Flowscope (${reason}); it runs without interception.\n`);
    } catch {
      // Without a stderr there is nobody to tell.
    }
  }

  if (process.env.FLOWSCOPE_ACTIVE !== '1') return;
  // `flowscope serve` started in an intercepted terminal must not send its own upstream requests
  // through itself.
  if (/[\\/](bin[\\/]flowscope(\.js)?|dist[\\/]src-main[\\/].+)$/.test(process.argv[1] || '')) return;

  let http, https, net, tls;
  try {
    http = require('http');
    https = require('https');
    net = require('net');
    tls = require('tls');
  } catch (error) {
    warn(error.message);
    return;
  }

  function readProxy(lower, upper) {
    const value = process.env[lower] || process.env[upper];
    if (!value) return null;
    let url;
    try {
      url = new URL(value.includes('://') ? value : `http://${value}`);
    } catch {
      warn(`${upper} is not an address: ${value}`);
      return null;
    }
    if (url.protocol !== 'http:') {
      warn(`${upper} is ${url.protocol}//; only http:// proxies are supported`);
      return null;
    }
    return url;
  }

  const proxies = { 'http:': readProxy('http_proxy', 'HTTP_PROXY'), 'https:': readProxy('https_proxy', 'HTTPS_PROXY') };
  if (!proxies['http:'] && !proxies['https:']) return;

  function bare(host) {
    return String(host).toLowerCase().replace(/^\[|\]$/g, '');
  }

  function defaultPort(protocol) {
    return protocol === 'https:' ? 443 : 80;
  }

  // NO_PROXY entries as curl reads them: "*", a host or domain (".example.com" and "*.example.com"
  // mean the same), each with an optional port.
  const noProxy = String(process.env.no_proxy || process.env.NO_PROXY || '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      let host = entry.toLowerCase();
      let port = '';
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
      if (bracketed) {
        host = bracketed[1];
        port = bracketed[2] || '';
      } else if (host.split(':').length === 2) {
        port = host.split(':')[1];
        host = host.split(':')[0];
      }
      return { host: host.replace(/^\*?\./, ''), port };
    });

  /** The proxy for this request, or null when it goes direct. */
  function proxyFor(protocol, hostname, port) {
    const proxy = proxies[protocol];
    if (!proxy) return null;
    const host = bare(hostname);
    const portText = String(port || defaultPort(protocol));
    if (host === bare(proxy.hostname) && portText === String(proxy.port || 80)) return null;
    const bypass = noProxy.some(
      (entry) =>
        entry.host === '*' ||
        ((host === entry.host || host.endsWith(`.${entry.host}`)) && (!entry.port || entry.port === portText)),
    );
    return bypass ? null : proxy;
  }

  /** Asks the proxy for a tunnel to host:port (CONNECT, also for plain http) and hands back the socket. */
  function openTunnel(proxy, hostname, port, callback) {
    const host = bare(hostname);
    const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
    const headers = { host: authority };
    if (proxy.username || proxy.password) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    let done = false;
    function finish(error, socket) {
      if (done) return;
      done = true;
      callback(error, socket);
    }
    const request = http.request({
      host: bare(proxy.hostname),
      port: Number(proxy.port) || 80,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    });
    request.once('connect', (response, socket, head) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        finish(new Error(`The proxy ${proxy.host} answered ${response.statusCode} to CONNECT ${authority}`));
        return;
      }
      if (head && head.length > 0) socket.unshift(head);
      finish(null, socket);
    });
    request.once('error', (error) => finish(error));
    request.end();
  }

  class ProxyHttpAgent extends http.Agent {
    createConnection(options, callback) {
      const proxy = proxyFor('http:', options.host, options.port);
      if (!proxy) return super.createConnection(options, callback);
      openTunnel(proxy, options.host, options.port || 80, callback);
      return undefined;
    }
  }

  class ProxyHttpsAgent extends https.Agent {
    createConnection(options, callback) {
      const proxy = proxyFor('https:', options.host, options.port);
      if (!proxy) return super.createConnection(options, callback);
      openTunnel(proxy, options.host, options.port || 443, (error, socket) => {
        if (error) callback(error);
        // https.Agent's own connection: TLS (with its session cache) over the tunnel.
        else callback(null, super.createConnection(Object.assign({}, options, { socket })));
      });
      return undefined;
    }
  }

  try {
    http.globalAgent = new ProxyHttpAgent(Object.assign({}, http.globalAgent.options));
    https.globalAgent = new ProxyHttpsAgent(Object.assign({}, https.globalAgent.options));
  } catch (error) {
    warn(error.message);
    return;
  }

  // Node's fetch is its internal undici, which reads the dispatcher stored under this symbol (as
  // undici's setGlobalDispatcher does). Node ships no ProxyAgent, but the Agent class is reachable
  // through the default dispatcher, and an Agent takes a `connect` function: ours returns a socket
  // tunnelled through the proxy. Loading undici costs ~30 ms, so this waits for the first fetch.
  const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

  function connectThroughProxy(options, callback) {
    let done = false;
    function finish(error, socket) {
      if (done) return;
      done = true;
      callback(error, socket);
    }
    const port = Number(options.port) || defaultPort(options.protocol);
    openTunnel(proxies[options.protocol], options.hostname, port, (error, socket) => {
      if (error) return finish(error);
      if (options.protocol !== 'https:') return finish(null, socket);
      const host = bare(options.hostname);
      const secure = tls.connect({
        socket,
        servername: options.servername || (net.isIP(host) ? undefined : host),
        ALPNProtocols: ['http/1.1'],
      });
      secure.once('secureConnect', () => finish(null, secure));
      secure.once('error', (tlsError) => finish(tlsError));
    });
  }

  function routeFetch() {
    void globalThis.Headers; // loads Node's undici, which stores its default dispatcher
    const current = globalThis[DISPATCHER];
    if (!current || typeof current.dispatch !== 'function') throw new Error('Node has no undici dispatcher to extend');
    // A dispatcher the program chose itself (a ProxyAgent, a mock) is left alone.
    if (current.constructor.name !== 'Agent') return;
    class ProxyRoutingAgent extends current.constructor {
      dispatch(options, handler) {
        const origin = new URL(String(options.origin));
        if (!proxyFor(origin.protocol, origin.hostname, origin.port)) return current.dispatch(options, handler);
        return super.dispatch(options, handler);
      }
    }
    globalThis[DISPATCHER] = new ProxyRoutingAgent({ connect: connectThroughProxy });
  }

  const originalFetch = globalThis.fetch;
  if (typeof originalFetch !== 'function') return;
  let routed = false;
  globalThis.fetch = function fetch() {
    if (!routed) {
      routed = true;
      try {
        routeFetch();
      } catch (error) {
        warn(`fetch: ${error.message}`);
      }
    }
    return originalFetch.apply(this, arguments);
  };
})();

import { once } from 'node:events';
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedPort, startWsOrigin, wsBigText, type WsOrigin } from '../fixtures/index.js';
import { connectTunnel, webSocketViaProxy } from '../fixtures/proxy-clients.js';
import { startTestProxy, waitFor, type TestProxy } from './harness.js';

const MAX_BODY = 64 * 1024;
let proxy: TestProxy;
let wsOrigin: WsOrigin;
let wssOrigin: WsOrigin;

beforeAll(async () => {
  [proxy, wsOrigin, wssOrigin] = await Promise.all([
    startTestProxy({ maxBodySize: MAX_BODY }),
    startWsOrigin(),
    startWsOrigin({ tls: true }),
  ]);
});

afterAll(async () => {
  await Promise.all([proxy?.close(), wsOrigin?.close(), wssOrigin?.close()]);
});

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return once(ws, 'message').then(([data, isBinary]) => ({ data: data as Buffer, isBinary: isBinary as boolean }));
}

async function conversation(ws: WebSocket) {
  ws.send('hello');
  expect((await nextMessage(ws)).data.toString()).toBe('hello');
  ws.send(Buffer.from([1, 2, 3]));
  expect((await nextMessage(ws)).isBinary).toBe(true);
  ws.send('ping-me');
  const [ping] = await once(ws, 'ping');
  expect((ping as Buffer).toString()).toBe('p');
  ws.send(`big:${MAX_BODY * 2}`);
  expect((await nextMessage(ws)).data.length).toBe(MAX_BODY * 2);
  ws.send('close-me');
  const [code, reason] = await once(ws, 'close');
  expect([code, (reason as Buffer).toString()]).toEqual([4000, 'bye']);
}

describe.each([
  ['ws', () => wsOrigin],
  ['wss', () => wssOrigin],
])('%s through the proxy', (scheme, origin) => {
  it('passes messages both ways and records every frame in order with type and direction', async () => {
    const ws = await webSocketViaProxy(proxy.proxyUrl, `${origin().url}/chat`, proxy.ca);
    const flowId = await waitFor(() => {
      proxy.runtime.store.flush();
      return proxy.runtime.store.pageSummaries({ limit: 1 }).items.find((s) => s.kind === 'websocket' && s.path === '/chat')?.id;
    }, 'the open WebSocket flow');
    await conversation(ws);

    const flow = await waitFor(() => {
      proxy.runtime.store.flush();
      const f = proxy.runtime.store.getFlow(flowId);
      return f?.endedAt ? f : undefined;
    }, 'the closed WebSocket flow');
    expect(flow).toMatchObject({ kind: 'websocket', scheme, statusCode: 101, error: null });

    const messages = proxy.runtime.store.getWsMessages(flowId, { limit: 100 });
    const summary = messages.map((m) => [m.direction === 'client-to-server' ? '>' : '<', m.type]);
    expect(summary).toEqual([
      ['>', 'text'], ['<', 'text'],
      ['>', 'binary'], ['<', 'binary'],
      ['>', 'text'], ['<', 'ping'], ['>', 'pong'],
      ['>', 'text'], ['<', 'text'],
      ['>', 'text'], ['<', 'close'],
    ]);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i));
    expect(Buffer.from(messages[0]!.payload).toString()).toBe('hello');
    expect(Buffer.from(messages[2]!.payload)).toEqual(Buffer.from([1, 2, 3]));
    const big = messages[8]!;
    expect(big).toMatchObject({ size: MAX_BODY * 2, truncated: true });
    expect(Buffer.from(big.payload).toString()).toBe(wsBigText(MAX_BODY * 2).slice(0, MAX_BODY));
    expect(messages[10]).toMatchObject({ closeCode: 4000, closeReason: 'bye' });
  });
});

describe('a close the client starts', () => {
  it('is recorded with its code, reason and direction', async () => {
    const ws = await webSocketViaProxy(proxy.proxyUrl, `${wsOrigin.url}/bye`, proxy.ca);
    ws.send('hi');
    await nextMessage(ws);
    ws.close(1000, 'done');
    await once(ws, 'close');
    const flowId = await waitFor(() => {
      proxy.runtime.store.flush();
      return proxy.runtime.store.pageSummaries({ limit: 20 }).items.find((s) => s.path === '/bye')?.id;
    }, 'the /bye flow');
    const messages = await waitFor(() => {
      proxy.runtime.store.flush();
      const all = proxy.runtime.store.getWsMessages(flowId, { limit: 10 });
      return all.some((m) => m.type === 'close') ? all : undefined;
    }, 'the close in the store');
    expect(messages.at(-1)).toMatchObject({ direction: 'client-to-server', type: 'close', closeCode: 1000, closeReason: 'done' });
  });
});

describe('a server that speaks first', () => {
  it('keeps the messages it sends in the same read as its 101', async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) => {
      socket.send('welcome');
      socket.send('and more');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      // Listen before 'open': the greetings can arrive in the same read as the handshake.
      const tunnel = await connectTunnel(proxy.proxyUrl, '127.0.0.1', port);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/greet`, { createConnection: () => tunnel } as WebSocket.ClientOptions);
      const received: string[] = [];
      ws.on('message', (data) => received.push(String(data)));
      await waitFor(() => received.length === 2, 'both greetings');
      ws.close();
      const flowId = await waitFor(() => {
        proxy.runtime.store.flush();
        return proxy.runtime.store.pageSummaries({ limit: 20 }).items.find((s) => s.path === '/greet')?.id;
      }, 'the /greet flow');
      const messages = await waitFor(() => {
        proxy.runtime.store.flush();
        const all = proxy.runtime.store.getWsMessages(flowId, { limit: 10 });
        return all.length >= 2 ? all : undefined;
      }, 'the greetings in the store');
      expect(messages.slice(0, 2).map((m) => [m.direction, Buffer.from(m.payload).toString()])).toEqual([
        ['server-to-client', 'welcome'], ['server-to-client', 'and more'],
      ]);
      expect(proxy.runtime.store.stats().dropped.messages).toBe(0);
    } finally {
      wss.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('a WebSocket server that cannot be reached', () => {
  it('answers the client 502 with the reason and records it on the flow', async () => {
    const port = await refusedPort();
    const tunnel = await connectTunnel(proxy.proxyUrl, '127.0.0.1', port);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/down`, { createConnection: () => tunnel } as WebSocket.ClientOptions);
    const status = await new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('unexpectedly connected')));
      ws.on('error', reject);
    });
    expect(status).toBe(502);
    const flow = await waitFor(() => {
      proxy.runtime.store.flush();
      const summary = proxy.runtime.store.pageSummaries({ limit: 20 }).items.find((s) => s.path === '/down');
      return summary ? proxy.runtime.store.getFlow(summary.id) ?? undefined : undefined;
    }, 'the /down flow');
    expect(flow).toMatchObject({ kind: 'websocket', statusCode: 502, error: { type: 'OTHER' } });
    expect(flow.error!.message).toMatch(/refused, reset or could not be reached/);
  });
});


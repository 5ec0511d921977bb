/**
 * The WebSocket passthrough step: mockttp's, with every frame (ping, pong and close included)
 * reported to capture in order with its direction, and a refused or unreachable upstream
 * answered 502 with the reason.
 */
import type { InitiatedResponse, WebSocketStep } from 'mockttp';
import type { FlowError } from '../../src-shared/model/errors.js';
import type { WsDirection, WsMessageType } from '../../src-shared/model/flow.js';
import { parseRawHttpResponse, setAgentHook, wsStepDefinitions, wsStepImpls } from './mockttp-internals.js';
import { applyWebSocketPolicy, connectionOf, proxyLabel } from './request-policy.js';
import {
  mockttpOptions, reportedRequest, targetOf, tlsOf, toBuffer, type OngoingRequest, type PassThroughSettings, type StepHooks,
} from './step-parts.js';
import { upstreamFailureResponse } from './upstream-errors.js';

const WS_STEP = 'flowscope-ws-passthrough';

class FlowscopeWebSocketStep extends wsStepDefinitions.PassThroughWebSocketStep {
  type = WS_STEP;
  constructor(public settings: PassThroughSettings, public hooks: StepHooks) {
    super(mockttpOptions(settings, 'websocket'));
  }
}

interface HookableWs {
  on(event: 'ping' | 'pong' | 'message', fn: (data: Buffer, isBinary?: boolean) => void): void;
  send(data: unknown, ...rest: unknown[]): void;
  ping(data?: unknown, ...rest: unknown[]): void;
  pong(data?: unknown, ...rest: unknown[]): void;
  close(code?: number, reason?: unknown): void;
  upstreamWebSocket?: HookableWs;
}

function asBuffer(data: unknown): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return Buffer.from(String(data));
}

/**
 * Hooks the client-facing socket `ws`: what it receives goes client → server, what is sent on it
 * goes server → client. Closes are seen where they are forwarded, which tells their direction.
 */
function hookWebSocket(engineId: string, ws: HookableWs, hooks: StepHooks) {
  // Called for every message: one object per frame, no spread of optional extras.
  const report = (direction: WsDirection, type: WsMessageType, data: unknown, closeCode?: number, closeReason?: string) =>
    hooks.onWsFrame(engineId, { direction, type, payload: asBuffer(data), time: Date.now(), closeCode, closeReason });
  ws.on('message', (data, isBinary) => report('client-to-server', isBinary ? 'binary' : 'text', data));
  ws.on('ping', (data) => report('client-to-server', 'ping', data));
  ws.on('pong', (data) => report('client-to-server', 'pong', data));
  const send = ws.send.bind(ws);
  ws.send = (data: unknown, options?: unknown, ...rest: unknown[]) => {
    const binary = (options as { binary?: boolean } | undefined)?.binary ?? typeof data !== 'string';
    report('server-to-client', binary ? 'binary' : 'text', data);
    send(data, options, ...rest);
  };
  for (const type of ['ping', 'pong'] as const) {
    const original = ws[type].bind(ws);
    ws[type] = (data?: unknown, ...rest: unknown[]) => {
      report('server-to-client', type, data);
      original(data, ...rest);
    };
  }
  // Report the close frame that started the closing handshake, once. The ws library answers a
  // received close frame by calling close() itself (with _closeFrameReceived set): that call is the
  // peer's close echoed, so its direction is the other way.
  let closeReported = false;
  const hookClose = (socket: HookableWs, sendsTowards: WsDirection) => {
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: unknown) => {
      if (!closeReported) {
        closeReported = true;
        const echoed = (socket as { _closeFrameReceived?: boolean })._closeFrameReceived === true;
        const direction: WsDirection = echoed
          ? (sendsTowards === 'server-to-client' ? 'client-to-server' : 'server-to-client')
          : sendsTowards;
        report(direction, 'close', reason, code, reason === undefined ? '' : asBuffer(reason).toString('utf8'));
      }
      close(code, reason);
    };
  };
  hookClose(ws, 'server-to-client');
  if (ws.upstreamWebSocket) hookClose(ws.upstreamWebSocket, 'client-to-server');
}

class FlowscopeWebSocketStepImpl extends wsStepImpls.PassThroughWebSocketStepImpl {
  static fromDefinition = (definition: FlowscopeWebSocketStep) =>
    Object.assign(new FlowscopeWebSocketStepImpl(), definition);
  declare hooks: StepHooks;
  declare settings: PassThroughSettings;

  async handle(req: OngoingRequest, socket: NodeJS.EventEmitter & { write: (...args: unknown[]) => boolean }, head: Buffer, options: unknown): Promise<void> {
    const hooks = this.hooks;
    hooks.onRequest(reportedRequest(req, this.settings), 'websocket', tlsOf(req));
    const policy = this.settings.policy?.();
    if (policy && !(await applyWebSocketPolicy(policy, req, socket, this.settings.proxyAuthApplies === true, hooks))) return;
    const agentHook = this.settings.agentHook?.();
    if (agentHook) setAgentHook(connectionOf(req), agentHook, (proxy) => hooks.onUpstreamProxy(req.id, proxyLabel(proxy)));
    // Until the upgrade, what is written to the client is the server's answer: kept so that a
    // refused upgrade is recorded with its status and headers.
    const written: Buffer[] = [];
    const write = socket.write;
    socket.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      const bytes = toBuffer(chunk, rest[0]);
      if (bytes && written.length < 64) written.push(Buffer.from(bytes));
      return write.call(this, chunk, ...rest);
    };
    let upgraded = false;
    socket.once('ws-upgrade', (ws: HookableWs) => {
      upgraded = true;
      socket.write = write;
      hookWebSocket(req.id, ws, hooks);
    });
    // When the upstream connection fails, mockttp ends the client's socket without a word (and
    // logs the error): answer 502 with an explanation instead, and record it on the flow.
    const end = (socket as unknown as { end: (...args: unknown[]) => unknown }).end;
    (socket as unknown as { end: (...args: unknown[]) => unknown }).end = function (this: unknown, ...args: unknown[]) {
      if (!upgraded && written.length === 0 && args.length === 0) {
        const error: FlowError = { type: 'OTHER', message: 'The WebSocket server refused, reset or could not be reached.' };
        hooks.onUpstreamError(req.id, error);
        const { status, body } = upstreamFailureResponse(error, targetOf(req));
        socket.write(
          `HTTP/1.1 ${status} Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      }
      return end.apply(this, args);
    };
    socket.once('close', () => {
      if (upgraded || written.length === 0) return; // nothing sent: mockttp reports an abort
      const response = parseRawHttpResponse(Buffer.concat(written), req) as InitiatedResponse;
      hooks.onResponse(req.id, { ...response, timingEvents: { ...req.timingEvents, responseSentTimestamp: performance.now() } }, true);
    });
    return super.handle(req, socket, head, options);
  }
}

wsStepImpls.WsStepLookup[WS_STEP] = FlowscopeWebSocketStepImpl;

export function webSocketStep(settings: PassThroughSettings, hooks: StepHooks): WebSocketStep {
  return new FlowscopeWebSocketStep(settings, hooks) as unknown as WebSocketStep;
}

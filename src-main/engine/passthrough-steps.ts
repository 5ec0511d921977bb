/**
 * mockttp passthrough steps with what Flowscope adds: the traffic policy, an upstream response
 * timeout (504), plain explanations for failed upstreams (502) reported to capture, and TLS
 * details of the client side. The WebSocket step is in websocket-step.ts.
 */
import type { ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import type { InitiatedResponse, RequestStep, WebSocketStep } from 'mockttp';
import type { FlowError } from '../../src-shared/model/errors.js';
import {
  abortErrorModule, chosenProxyOf, OutgoingSockets, requestHasNoBody, requestStepDefinitions, requestStepImpls, setAgentHook,
} from './mockttp-internals.js';
import { Deadlines } from './deadlines.js';
import { ONBOARDING_HOST } from './onboarding.js';
import { applyPolicy, connectionOf, proxyLabel } from './request-policy.js';
import {
  mockttpOptions, reportedRequest, targetOf, tlsOf, toBuffer, type OngoingRequest, type PassThroughSettings, type StepHooks, type TrackedResponse,
} from './step-parts.js';
import { classifyUpstreamError, upstreamFailureResponse } from './upstream-errors.js';
import { urlParts } from './url-parts.js';
import { webSocketStep } from './websocket-step.js';

export type { BodySide, PassThroughSettings, StepHooks, WsFrame } from './step-parts.js';

const HTTP_STEP = 'flowscope-passthrough';

/** Wraps the request body stream the passthrough step reads, so each chunk is seen as it goes upstream. */
function tapRequestBody(req: OngoingRequest, onChunk: (chunk: Buffer) => void): void {
  // Most requests (GETs) have no body: no need for a stream in the way.
  if (requestHasNoBody(req)) return;
  const body = req.body;
  const asStream = body.asStream.bind(body);
  body.asStream = () => {
    const source = asStream();
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        onChunk(chunk);
        done(null, chunk);
      },
    });
    source.once('error', (error) => tap.destroy(error));
    return source.pipe(tap);
  };
}

/** Sees every byte written to the client, including our own error answers. */
function tapResponseBody(res: ServerResponse, onChunk: (chunk: Buffer) => void): void {
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    const bytes = toBuffer(chunk, rest[0]);
    if (bytes) onChunk(bytes);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    const bytes = toBuffer(chunk, rest[0]);
    if (bytes) onChunk(bytes);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
}

/**
 * mockttp's passthrough aborts the upstream request when the client response closes early, but
 * detaches that handler once the response finishes; a 504 we send finishes it. So before sending
 * one, we run that handler ourselves, or the hung upstream connection would stay open for good.
 */
function abortUpstream(res: ServerResponse): void {
  for (const listener of res.listeners('close')) {
    if (listener.name === 'abortUpstream') (listener as () => void)();
  }
}

class FlowscopePassThroughStep extends requestStepDefinitions.PassThroughStep {
  type = HTTP_STEP;
  constructor(public settings: PassThroughSettings, public hooks: StepHooks) {
    super(mockttpOptions(settings, 'http'));
  }
}

class FlowscopePassThroughStepImpl extends requestStepImpls.PassThroughStepImpl {
  static fromDefinition = (definition: FlowscopePassThroughStep) =>
    Object.assign(new FlowscopePassThroughStepImpl(), definition);
  declare settings: PassThroughSettings;
  declare hooks: StepHooks;
  /** Indexed, so that mockttp's loop check (isRequestLoop) does not walk every upstream socket per request. */
  outgoingSockets = new OutgoingSockets();
  /** Response timeouts of this step's requests. */
  private deadlines: Deadlines | undefined;

  async handle(clientReq: OngoingRequest, clientRes: TrackedResponse, options: unknown): Promise<void> {
    if (this.settings.onboarding && clientReq.url.includes(ONBOARDING_HOST)) {
      const { host, path } = urlParts(clientReq.url);
      if (host === ONBOARDING_HOST) {
        this.settings.onboarding(path.split('?', 1)[0]!, clientRes);
        return;
      }
    }
    const { id } = clientReq;
    this.hooks.onRequest(reportedRequest(clientReq, this.settings), 'http', tlsOf(clientReq));
    const policy = this.settings.policy?.();
    let bodyLimitHit = false;
    const bodyLimit = policy?.maxRequestBodyBytes ?? null;
    let bodyBytes = 0;
    let refuseBody = () => {};
    tapRequestBody(clientReq, (chunk) => {
      this.hooks.onBodyChunk(id, 'request', chunk);
      bodyBytes += chunk.length;
      if (bodyLimit !== null && bodyBytes > bodyLimit && !bodyLimitHit) {
        bodyLimitHit = true;
        abortUpstream(clientRes);
        refuseBody();
      }
    });
    tapResponseBody(clientRes, (chunk) => this.hooks.onBodyChunk(id, 'response', chunk));
    // Listening to mockttp's 'response' event instead would make it rebuild every response (and
    // buffer its body); we stamp the response's end ourselves, as that event would.
    let reported = false;
    const report = (complete: boolean) => {
      if (reported) return;
      reported = true;
      const response: InitiatedResponse | null = clientRes.headersSent
        ? {
            id,
            statusCode: clientRes.statusCode,
            // HTTP/2 has no status message (and Node warns when one is read).
            statusMessage: clientReq.httpVersionMajor >= 2 ? '' : clientRes.statusMessage,
            headers: {},
            rawHeaders: clientRes.getRawHeaders(),
            timingEvents: complete
              ? { ...clientRes.timingEvents, responseSentTimestamp: clientRes.timingEvents.responseSentTimestamp ?? performance.now() }
              : clientRes.timingEvents,
            tags: clientRes.tags,
          }
        : null;
      this.hooks.onResponse(id, response, complete);
    };
    clientRes.once('finish', () => report(true));
    clientRes.once('close', () => report(false));
    if (policy) {
      const admitted = applyPolicy(policy, clientReq, clientRes, this.settings.proxyAuthApplies === true, this.hooks);
      const release = admitted instanceof Promise ? await admitted : admitted;
      if (release === false) return;
      if (release) {
        clientRes.once('close', release);
        clientRes.once('finish', release);
      }
    }
    const connection = connectionOf(clientReq);
    const agentHook = this.settings.agentHook?.();
    if (agentHook) setAgentHook(connection, agentHook, (proxy) => this.hooks.onUpstreamProxy(id, proxyLabel(proxy)));
    let failed = false;
    const fail = (error: FlowError) => {
      if (failed) return;
      failed = true;
      const proxy = agentHook?.chooseProxy ? chosenProxyOf(connection) : null;
      if (proxy && this.settings.onProxyFailure && ['CONNECTION_REFUSED', 'CONNECTION_RESET', 'TIMEOUT', 'DNS_ERROR'].includes(error.type)) {
        this.settings.onProxyFailure(proxy, error);
      }
      if (bodyLimitHit && policy) {
        const refusal = policy.tooLarge();
        error = { type: 'ABORTED', message: `The request body passed the ${policy.maxRequestBodyBytes}-byte limit; Flowscope answered 413.` };
        this.hooks.onUpstreamError(clientReq.id, error);
        if (!clientRes.headersSent) {
          clientRes.writeHead(refusal.status, refusal.headers);
          clientRes.end(refusal.body);
        } else clientRes.destroy();
        return;
      }
      this.hooks.onUpstreamError(clientReq.id, error);
      if (clientRes.headersSent) {
        clientRes.destroy();
        return;
      }
      const { status, body } = upstreamFailureResponse(error, targetOf(clientReq));
      clientRes.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-flowscope-error': error.type });
      clientRes.end(body);
    };
    refuseBody = () => fail({ type: 'ABORTED', message: 'The request body was over the limit.' });
    const handled: Promise<void> = super.handle(clientReq, clientRes, options);
    try {
      // Settles when mockttp is done, or at the response timeout (then at once, so mockttp
      // records our 504 as the response rather than an abort).
      const deadlines = (this.deadlines ??= new Deadlines(this.settings.responseTimeoutMs));
      await new Promise<void>((resolve, reject) => {
        const deadline = deadlines.add(() => {
          if (clientRes.headersSent) return;
          abortUpstream(clientRes);
          fail({ type: 'TIMEOUT', message: `No response headers within ${this.settings.responseTimeoutMs} ms` });
          resolve();
        });
        handled.then(
          () => {
            deadlines.cancel(deadline);
            resolve();
          },
          (error: unknown) => {
            deadlines.cancel(deadline);
            reject(error);
          },
        );
      });
    } catch (error) {
      if (error instanceof abortErrorModule.AbortError) throw error;
      // The client went away and mockttp hung up on the upstream: an abort, not an upstream failure.
      if (clientRes.destroyed && !failed) throw new abortErrorModule.AbortError('The client closed the connection', 'CLIENT_ABORTED');
      fail(classifyUpstreamError(error));
    }
  }
}

requestStepImpls.StepLookup[HTTP_STEP] = FlowscopePassThroughStepImpl;

export function passThroughSteps(settings: PassThroughSettings, hooks: StepHooks): { http: RequestStep; webSocket: WebSocketStep } {
  return {
    http: new FlowscopePassThroughStep(settings, hooks) as unknown as RequestStep,
    webSocket: webSocketStep(settings, hooks),
  };
}

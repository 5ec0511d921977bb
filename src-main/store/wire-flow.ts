/**
 * A Flow as a flat JSON array for the trip to the writer thread (see wire-batch.ts): without key
 * names it is half the text of the object's JSON, and JSON.stringify of it takes ~60% of the time
 * (4 vs 7 us per flow here), on the proxy's thread. The order below is the format; both functions
 * change together, and a test round-trips every field.
 */
import type { FlowError } from '../../src-shared/model/errors.js';
import type { BodyInfo, Flow, FlowTimings, RawHeaders, TlsInfo } from '../../src-shared/model/flow.js';

type WireBodyInfo = [number, number | null, number, 0 | 1, 0 | 1, string | null, string | null];
type WireTimings = [number, number | null, number | null, number | null, number | null, number | null, number | null, number | null, number | null];

export type WireFlow = [
  id: number, kind: Flow['kind'], startedAt: number, endedAt: number | null, durationMs: number | null,
  method: string, url: string, scheme: Flow['scheme'], host: string, port: number, path: string, httpVersion: string,
  statusCode: number | null, statusMessage: string | null, requestHeaders: RawHeaders, responseHeaders: RawHeaders | null,
  requestBody: WireBodyInfo, responseBody: WireBodyInfo | null,
  clientIp: string | null, clientPort: number | null, serverIp: string | null, serverPort: number | null,
  tls: [string | null, string | null] | null, error: [FlowError['type'], string] | null, timings: WireTimings,
  tags: string[], source: Flow['source'], replayOf: number | null, trafficClass: Flow['trafficClass'],
  blockedBy: string | null, upstreamProxy: string | null,
];

const bodyToWire = (b: BodyInfo): WireBodyInfo => [b.wireSize, b.decodedSize, b.capturedSize, b.truncated ? 1 : 0, b.dropped ? 1 : 0, b.contentType, b.contentEncoding];

const bodyFromWire = (b: WireBodyInfo): BodyInfo => ({
  wireSize: b[0], decodedSize: b[1], capturedSize: b[2], truncated: b[3] === 1, dropped: b[4] === 1, contentType: b[5], contentEncoding: b[6],
});

const timingsToWire = (t: FlowTimings): WireTimings => [t.start, t.dns, t.connect, t.requestBodyReceived, t.responseHeaders, t.end, t.aborted, t.wsAccepted, t.wsClosed];

const timingsFromWire = (t: WireTimings): FlowTimings => ({
  start: t[0], dns: t[1], connect: t[2], requestBodyReceived: t[3], responseHeaders: t[4], end: t[5], aborted: t[6], wsAccepted: t[7], wsClosed: t[8],
});

export function flowToWire(f: Flow): WireFlow {
  return [
    f.id, f.kind, f.startedAt, f.endedAt, f.durationMs, f.method, f.url, f.scheme, f.host, f.port, f.path, f.httpVersion,
    f.statusCode, f.statusMessage, f.requestHeaders, f.responseHeaders, bodyToWire(f.requestBody), f.responseBody && bodyToWire(f.responseBody),
    f.clientIp, f.clientPort, f.serverIp, f.serverPort, f.tls && [f.tls.sni, f.tls.protocol], f.error && [f.error.type, f.error.message],
    timingsToWire(f.timings), f.tags, f.source, f.replayOf, f.trafficClass, f.blockedBy, f.upstreamProxy,
  ];
}

export function flowFromWire(w: WireFlow): Flow {
  const tls: TlsInfo | null = w[22] && { sni: w[22][0], protocol: w[22][1] };
  return {
    id: w[0], kind: w[1], startedAt: w[2], endedAt: w[3], durationMs: w[4], method: w[5], url: w[6], scheme: w[7], host: w[8], port: w[9],
    path: w[10], httpVersion: w[11], statusCode: w[12], statusMessage: w[13], requestHeaders: w[14], responseHeaders: w[15],
    requestBody: bodyFromWire(w[16]), responseBody: w[17] && bodyFromWire(w[17]),
    clientIp: w[18], clientPort: w[19], serverIp: w[20], serverPort: w[21], tls, error: w[23] && { type: w[23][0], message: w[23][1] },
    timings: timingsFromWire(w[24]), tags: w[25], source: w[26], replayOf: w[27], trafficClass: w[28], blockedBy: w[29], upstreamProxy: w[30],
  };
}

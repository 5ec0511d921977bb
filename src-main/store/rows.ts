import type { BodyInfo, ConnectionEvent, Flow, FlowSummary, FlowTimings, RawHeaders } from '../../src-shared/model/flow.js';
import type { FlowError } from '../../src-shared/model/errors.js';

/** One row of `flows`, keyed by column name (also the named parameters of the upsert). */
export interface FlowRow {
  id: number;
  kind: string;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  method: string;
  url: string;
  scheme: string;
  host: string;
  port: number;
  path: string;
  http_version: string;
  status_code: number | null;
  status_message: string | null;
  request_headers: string;
  response_headers: string | null;
  request_wire_size: number;
  request_decoded_size: number | null;
  request_captured_size: number;
  request_truncated: number;
  request_dropped: number;
  request_content_type: string | null;
  request_content_encoding: string | null;
  response_wire_size: number | null;
  response_decoded_size: number | null;
  response_captured_size: number | null;
  response_truncated: number | null;
  response_dropped: number | null;
  response_content_type: string | null;
  response_content_encoding: string | null;
  client_ip: string | null;
  client_port: number | null;
  server_ip: string | null;
  server_port: number | null;
  tls: number;
  tls_sni: string | null;
  tls_protocol: string | null;
  error_type: string | null;
  error_message: string | null;
  timings: string;
  tags: string;
  source: string;
  replay_of: number | null;
  traffic_class: string;
  blocked_by: string | null;
  upstream_proxy: string | null;
}

export type SummaryRow = Pick<
  FlowRow,
  | 'id' | 'kind' | 'started_at' | 'duration_ms' | 'method' | 'scheme' | 'host' | 'port' | 'path'
  | 'status_code' | 'response_content_type' | 'response_wire_size' | 'error_type' | 'source' | 'replay_of' | 'traffic_class' | 'blocked_by'
> & { message_count: number };

export interface EventRow {
  id: number;
  time: number;
  type: string;
  client_ip: string | null;
  client_port: number | null;
  host: string | null;
  message: string;
}

/** A body whose bytes were dropped under overload keeps its sizes but stores nothing. */
function droppedInfo(info: BodyInfo): BodyInfo {
  return { ...info, capturedSize: 0, dropped: true };
}

export function flowToRow(flow: Flow, requestDropped: boolean, responseDropped: boolean): FlowRow {
  const req = requestDropped ? droppedInfo(flow.requestBody) : flow.requestBody;
  const res = flow.responseBody && responseDropped ? droppedInfo(flow.responseBody) : flow.responseBody;
  return {
    id: flow.id,
    kind: flow.kind,
    started_at: flow.startedAt,
    ended_at: flow.endedAt ?? null,
    duration_ms: flow.durationMs ?? null,
    method: flow.method,
    url: flow.url,
    scheme: flow.scheme,
    host: flow.host,
    port: flow.port,
    path: flow.path,
    http_version: flow.httpVersion,
    status_code: flow.statusCode ?? null,
    status_message: flow.statusMessage ?? null,
    request_headers: JSON.stringify(flow.requestHeaders),
    response_headers: flow.responseHeaders ? JSON.stringify(flow.responseHeaders) : null,
    request_wire_size: req.wireSize,
    request_decoded_size: req.decodedSize ?? null,
    request_captured_size: req.capturedSize,
    request_truncated: req.truncated ? 1 : 0,
    request_dropped: req.dropped ? 1 : 0,
    request_content_type: req.contentType ?? null,
    request_content_encoding: req.contentEncoding ?? null,
    response_wire_size: res ? res.wireSize : null,
    response_decoded_size: res?.decodedSize ?? null,
    response_captured_size: res ? res.capturedSize : null,
    response_truncated: res ? (res.truncated ? 1 : 0) : null,
    response_dropped: res ? (res.dropped ? 1 : 0) : null,
    response_content_type: res?.contentType ?? null,
    response_content_encoding: res?.contentEncoding ?? null,
    client_ip: flow.clientIp ?? null,
    client_port: flow.clientPort ?? null,
    server_ip: flow.serverIp ?? null,
    server_port: flow.serverPort ?? null,
    tls: flow.tls ? 1 : 0,
    tls_sni: flow.tls?.sni ?? null,
    tls_protocol: flow.tls?.protocol ?? null,
    error_type: flow.error?.type ?? null,
    error_message: flow.error?.message ?? null,
    timings: JSON.stringify(flow.timings),
    tags: JSON.stringify(flow.tags),
    source: flow.source,
    replay_of: flow.replayOf,
    traffic_class: flow.trafficClass,
    blocked_by: flow.blockedBy,
    upstream_proxy: flow.upstreamProxy,
  };
}

export function rowToFlow(row: FlowRow): Flow {
  return {
    id: row.id,
    kind: row.kind as Flow['kind'],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    method: row.method,
    url: row.url,
    scheme: row.scheme as Flow['scheme'],
    host: row.host,
    port: row.port,
    path: row.path,
    httpVersion: row.http_version,
    statusCode: row.status_code,
    statusMessage: row.status_message,
    requestHeaders: JSON.parse(row.request_headers) as RawHeaders,
    responseHeaders: row.response_headers === null ? null : (JSON.parse(row.response_headers) as RawHeaders),
    requestBody: {
      wireSize: row.request_wire_size,
      decodedSize: row.request_decoded_size,
      capturedSize: row.request_captured_size,
      truncated: row.request_truncated === 1,
      dropped: row.request_dropped === 1,
      contentType: row.request_content_type,
      contentEncoding: row.request_content_encoding,
    },
    responseBody:
      row.response_wire_size === null
        ? null
        : {
            wireSize: row.response_wire_size,
            decodedSize: row.response_decoded_size,
            capturedSize: row.response_captured_size ?? 0,
            truncated: row.response_truncated === 1,
            dropped: row.response_dropped === 1,
            contentType: row.response_content_type,
            contentEncoding: row.response_content_encoding,
          },
    clientIp: row.client_ip,
    clientPort: row.client_port,
    serverIp: row.server_ip,
    serverPort: row.server_port,
    tls: row.tls === 1 ? { sni: row.tls_sni, protocol: row.tls_protocol } : null,
    error:
      row.error_type === null ? null : { type: row.error_type as FlowError['type'], message: row.error_message ?? '' },
    timings: JSON.parse(row.timings) as FlowTimings,
    tags: JSON.parse(row.tags) as string[],
    source: row.source as Flow['source'],
    replayOf: row.replay_of,
    trafficClass: row.traffic_class as Flow['trafficClass'],
    blockedBy: row.blocked_by,
    upstreamProxy: row.upstream_proxy,
  };
}

export function rowToSummary(row: SummaryRow): FlowSummary {
  return {
    id: row.id,
    kind: row.kind as FlowSummary['kind'],
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    method: row.method,
    scheme: row.scheme as FlowSummary['scheme'],
    host: row.host,
    port: row.port,
    path: row.path,
    statusCode: row.status_code,
    responseContentType: row.response_content_type,
    responseSize: row.response_wire_size,
    errorType: row.error_type as FlowSummary['errorType'],
    messageCount: row.message_count,
    source: row.source as FlowSummary['source'],
    replayOf: row.replay_of,
    trafficClass: row.traffic_class as FlowSummary['trafficClass'],
    blocked: row.blocked_by !== null,
  };
}

export function rowToEvent(row: EventRow): ConnectionEvent {
  return {
    id: row.id,
    time: row.time,
    type: row.type as ConnectionEvent['type'],
    clientIp: row.client_ip,
    clientPort: row.client_port,
    host: row.host,
    message: row.message,
  };
}

import { FLOW_ERROR_ADVICE, type FlowError, type FlowErrorType } from '../../src-shared/model/errors.js';

interface ErrorLike {
  code?: string;
  message?: string;
  errors?: ErrorLike[];
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'HOSTNAME_MISMATCH',
]);

function codeOf(error: ErrorLike): string | undefined {
  // AggregateError: several addresses (IPv4 and IPv6) were tried; the first tells the story.
  return error.code ?? error.errors?.find((e) => e.code)?.code;
}

export function classifyErrorCode(code: string | undefined, message = ''): FlowErrorType {
  if (!code) {
    if (/socket hang up/i.test(message)) return 'CONNECTION_RESET';
    if (/certificate|ssl|tls/i.test(message)) return 'TLS_ERROR';
    return 'OTHER';
  }
  if (code === 'ECONNREFUSED') return 'CONNECTION_REFUSED';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'CONNECTION_RESET';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'TIMEOUT';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return 'DNS_ERROR';
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO') return 'TLS_ERROR';
  if (code.startsWith('HPE_') || code.startsWith('ERR_HTTP2_') || code === 'ERR_INVALID_HTTP_RESPONSE') return 'PROTOCOL_ERROR';
  return 'OTHER';
}

export function classifyUpstreamError(error: unknown): FlowError & { code: string | undefined } {
  const e = (error ?? {}) as ErrorLike;
  const code = codeOf(e);
  const message = e.errors?.length ? e.errors.map((x) => x.message).join('; ') : (e.message ?? String(error));
  return { type: classifyErrorCode(code, message), message: code && !message.includes(code) ? `${code}: ${message}` : message, code };
}

const SUMMARY: Record<FlowErrorType, string> = {
  CONNECTION_REFUSED: 'the connection was refused',
  CONNECTION_RESET: 'the connection was reset',
  TIMEOUT: 'it did not answer in time',
  DNS_ERROR: 'its name could not be resolved',
  TLS_ERROR: 'its TLS certificate could not be verified',
  CLIENT_TLS_ERROR: 'the client rejected our certificate',
  PROTOCOL_ERROR: 'it sent a malformed response',
  ABORTED: 'the request was aborted',
  OTHER: 'an unexpected error occurred',
};

/** The status and plain-text body a client gets when the upstream fails. */
export function upstreamFailureResponse(error: FlowError, target: string): { status: number; body: string } {
  const status = error.type === 'TIMEOUT' ? 504 : 502;
  const body =
    `Flowscope could not get a response from ${target}: ${SUMMARY[error.type]}.\n` +
    `${FLOW_ERROR_ADVICE[error.type]}\n` +
    `Details: ${error.message}\n`;
  return { status, body };
}

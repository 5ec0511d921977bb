/**
 * The one error taxonomy every layer uses (capture, store, UI, CLI, REST).
 * CLIENT_TLS_ERROR means a client refused our certificate: usually the CA is not trusted there.
 */
export const FLOW_ERROR_TYPES = [
  'CONNECTION_REFUSED',
  'CONNECTION_RESET',
  'TIMEOUT',
  'DNS_ERROR',
  'TLS_ERROR',
  'CLIENT_TLS_ERROR',
  'PROTOCOL_ERROR',
  'ABORTED',
  'OTHER',
] as const;

export type FlowErrorType = (typeof FLOW_ERROR_TYPES)[number];

export interface FlowError {
  type: FlowErrorType;
  message: string;
}

export function isFlowErrorType(value: string): value is FlowErrorType {
  return (FLOW_ERROR_TYPES as readonly string[]).includes(value);
}

/** What a person should do about each kind of failure; shown by the CLI and the UI. */
export const FLOW_ERROR_ADVICE: Record<FlowErrorType, string> = {
  CONNECTION_REFUSED: 'Nothing accepted the connection at that address. Check that the server is running and the port is right.',
  CONNECTION_RESET: 'The server closed the connection abruptly. Check the server logs.',
  TIMEOUT: 'The server did not answer in time. It may be overloaded, or a firewall may be dropping packets.',
  DNS_ERROR: 'The host name could not be resolved. Check the spelling and your DNS settings.',
  TLS_ERROR: 'The server\'s certificate could not be verified. Add its CA with --upstream-ca FILE if you trust it.',
  CLIENT_TLS_ERROR: 'The client rejected Flowscope\'s certificate: trust the Flowscope CA on that client (see the CA helper).',
  PROTOCOL_ERROR: 'One side spoke malformed HTTP.',
  ABORTED: 'The client went away before the exchange finished.',
  OTHER: 'An unexpected error occurred.',
};

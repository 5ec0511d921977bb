/** Errors cross every transport as { code, message }: the message is for a person. */
export type ApiErrorCode =
  | 'UNKNOWN_CALL'
  | 'BAD_ARGUMENT'
  | 'BAD_FILTER'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
}

export class ApiError extends Error {
  constructor(readonly code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** What any thrown value becomes at a transport boundary. Unexpected errors keep their message. */
export function toApiErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof ApiError) return error.toJSON();
  // The store says 'limit must be ...' with a RangeError; a TypeError is a bug of ours, not the caller's.
  if (error instanceof RangeError) return { code: 'BAD_ARGUMENT', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ApiErrorBody).code === 'string' && typeof (value as ApiErrorBody).message === 'string';
}

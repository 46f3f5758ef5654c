/** Typed errors that cross the UI/host boundary: a stable code plus a message a person can act on. */

export const API_ERROR_CODES = [
  'invalid-argument',
  'not-found',
  'forbidden',
  'unsupported',
  'io',
  'cancelled',
  'unknown-call',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiError {
  readonly code: ApiErrorCode;
  readonly message: string;
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ApiErrorCode, message: string): { ok: false; error: ApiError } => ({
  ok: false,
  error: { code, message },
});

/** Thrown inside host handlers; the transports turn it into a `Result` failure. */
export class HostError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

export const isApiErrorCode = (value: unknown): value is ApiErrorCode =>
  typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value);

import type { ErrorRequestHandler, RequestHandler } from 'express';
import { fieldProblems } from '../domain/schemas';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { ZodError, type ZodIssue } from 'zod';
import { isDatabaseUnavailableError } from '../lib/db';
import { FAILURE } from '../workflows/messages';

/** The one error shape every response uses: `{"error":{"code","message","details"?}}`. */
export interface ErrorDetail {
  path: string;
  message: string;
  /** A policy rule the request breaks (intake rules), with the figures behind it. */
  rule?: string;
  figures?: Record<string, number | string | boolean | null>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new HttpError(400, 'bad_request', message, details);
export const validationFailed = (details: ErrorDetail[]) =>
  new HttpError(400, 'validation_failed', 'the request is invalid', details);
export const unauthorized = (message = 'a valid bearer token is required') =>
  new HttpError(401, 'unauthorized', message);
/** A proposal that intake screening would reject: refused before any workflow starts, naming each rule and its figures. */
export const intakeRefused = (details: ErrorDetail[]) =>
  new HttpError(
    400,
    'intake_rules_failed',
    `the proposal does not meet the intake rules: ${details.map((d) => d.message).join(' ')}`,
    details,
  );
export const forbidden = (message = 'your role may not do this') => new HttpError(403, 'forbidden', message);
export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message);
export const unavailable = (
  message = 'the workflow service is unavailable; try again shortly',
  retryAfterSeconds = 5,
) => new HttpError(503, 'unavailable', message, undefined, { 'Retry-After': String(retryAfterSeconds) });

/** Zod issues as `{path, message}` per field; unknown keys are reported one per key. */
/** zod issues as error details: domain/schemas.ts `fieldProblems`. */
export const zodDetails: (issues: readonly ZodIssue[], prefix?: (string | number)[]) => ErrorDetail[] = fieldProblems;

const FAILURE_STATUS: Record<string, [number, string]> = {
  [FAILURE.taskNotFound]: [404, 'task_not_found'],
  [FAILURE.taskNotOpen]: [409, 'task_not_open'],
  [FAILURE.forbidden]: [403, 'forbidden'],
  [FAILURE.invalidDecision]: [400, 'invalid_decision'],
  [FAILURE.invalidInput]: [400, 'validation_failed'],
  [FAILURE.notAllowedNow]: [409, 'not_allowed_now'],
};

// gRPC status codes (no runtime import of @grpc/grpc-js needed).
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const GRPC_CANCELLED = 1;
const GRPC_RESOURCE_EXHAUSTED = 8;

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (isGrpcServiceError(e)) return e.code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function detailsOf(failure: ApplicationFailure): ErrorDetail[] | undefined {
  const first = failure.details?.[0];
  if (!Array.isArray(first)) return undefined;
  return first
    .filter((d): d is { path: unknown; message: unknown } => typeof d === 'object' && d !== null)
    .map((d) => ({ path: String(d.path ?? ''), message: String(d.message ?? '') }));
}

/** Maps a Temporal client error to an HTTP error; returns undefined for anything else. */
export function fromTemporal(err: unknown): HttpError | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && FAILURE_STATUS[cause.type]) {
      const [status, code] = FAILURE_STATUS[cause.type];
      return new HttpError(
        status,
        code,
        cause.message,
        cause.type === FAILURE.invalidDecision || cause.type === FAILURE.invalidInput ? detailsOf(cause) : undefined,
      );
    }
    return new HttpError(409, 'update_refused', cause?.message ?? 'the workflow refused the request');
  }
  if (err instanceof WorkflowNotFoundError) return notFound('workflow');
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return conflict('a workflow with this id already exists', 'already_started');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    return unavailable('the workflow did not answer in time; try again shortly');
  const code = grpcCode(err);
  if (code === GRPC_NOT_FOUND) return notFound('workflow');
  if (code === GRPC_ALREADY_EXISTS) return conflict('a workflow with this id already exists', 'already_started');
  if (
    code === GRPC_UNAVAILABLE ||
    code === GRPC_DEADLINE_EXCEEDED ||
    code === GRPC_CANCELLED ||
    code === GRPC_RESOURCE_EXHAUSTED
  )
    return unavailable();
  if (err instanceof ServiceError) return unavailable();
  return undefined;
}

export function sendError(res: Parameters<RequestHandler>[1], err: HttpError): void {
  if (err.headers) for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  const body: { error: { code: string; message: string; details?: ErrorDetail[] } } = {
    error: { code: err.code, message: err.message },
  };
  if (err.details?.length) body.error.details = err.details;
  res.status(err.status).json(body);
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));

interface BodyReadError {
  type?: string;
  status?: number;
  code?: string;
}

/**
 * Errors of the body parsers (JSON here, urlencoded in the web app): http-errors with a 4xx
 * status, most with a `type`; a body that is not the gzip/deflate its Content-Encoding claims
 * comes as zlib's own error (code Z_*) given status 400 but no type.
 */
function isBodyReadError(err: unknown): err is BodyReadError {
  if (!err || typeof err !== 'object') return false;
  const e = err as BodyReadError;
  return (
    (typeof e.status === 'number' && e.status >= 400 && e.status < 500) ||
    (typeof e.code === 'string' && e.code.startsWith('Z_'))
  );
}

function bodyReadError(e: BodyReadError, contentEncoding: string | undefined): HttpError {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  switch (e.type) {
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', 'the request body is larger than 1 MB');
    case 'entity.parse.failed':
      return new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
    case 'encoding.unsupported':
      return new HttpError(
        415,
        'unsupported_content_encoding',
        `Content-Encoding "${encoding}" is not accepted; send the body as identity, gzip or deflate`,
      );
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type', 'the charset of the body is not accepted; send UTF-8');
  }
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new HttpError(
      400,
      'invalid_content_encoding',
      `the request body is not ${encoding} data, as its Content-Encoding says`,
    );
  }
  return new HttpError(e.status ?? 400, 'bad_request', 'the request body could not be read');
}

/** Last middleware: everything becomes the one error shape; no stack traces leave the process. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let http: HttpError | undefined;
  if (err instanceof HttpError) http = err;
  else if (err instanceof ZodError) http = validationFailed(zodDetails(err.issues));
  else if (err instanceof URIError) {
    // Express could not percent-decode a path parameter ("/proposals/%zz").
    http = badRequest('the URL is not correctly percent-encoded');
  } else if (isBodyReadError(err)) http = bodyReadError(err, req.get('Content-Encoding'));
  http ??= fromTemporal(err);
  if (!http && isDatabaseUnavailableError(err))
    http = unavailable('the database is busy or out of reach; try again shortly');
  if (!http) {
    req.log?.error(
      { err: err instanceof Error ? { message: err.message, name: err.name, stack: err.stack } : String(err) },
      'unhandled error',
    );
    http = new HttpError(500, 'internal', 'something went wrong; the request id identifies it in the logs');
  } else if (http.status >= 500) {
    req.log?.warn(
      { err: err instanceof Error ? err.message : String(err), status: http.status },
      'service unavailable',
    );
  }
  if (res.headersSent) return;
  sendError(res, http);
};

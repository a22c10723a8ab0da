// Named errors with a stable `code` that every edge serialises the same way:
// HTTP as {error: code, message, details}, SIP as a status. `kind` says which
// family it is, so the edges map it without knowing every code.

export type ErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends AppError {
  constructor(message: string, details?: unknown) {
    super('invalid', 'invalid_input', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', 'not_found', `${what} "${id}" does not exist`, { [what]: id });
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super('conflict', code, message, details);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('forbidden', 'forbidden', message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super('unauthorized', 'unauthorized', message);
  }
}

/** Nobody free matches; callers decide whether to queue, retry or give up. */
export class NoneAvailableError extends AppError {
  constructor(details?: unknown) {
    super('conflict', 'none_available', 'nobody who matches is free right now', details);
  }
}

import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with a `Retry-After` header (seconds), set by the error filter. */
export class RateLimitedException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: 429, error: 'Too Many Requests', message }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with how long to wait; the error filter turns `retryAfterSeconds` into a `Retry-After` header. */
export class TooManyRequestsException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: 429, error: 'Too Many Requests', message, retryAfterSeconds }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

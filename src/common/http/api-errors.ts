import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * The one error shape, as the OpenAPI document declares it (see HttpErrorFilter): every error is
 * `{statusCode, error, message}`; a validation error adds `errors: [{field, messages}]` naming
 * every failing field; a stale write (409) adds `currentVersion`.
 */
export class ErrorBody {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Application not found',
    description: 'what went wrong, for a person; a list when several things did',
  })
  message: string | string[];
  @ApiPropertyOptional({ example: 7, description: '409 on a stale expectedVersion: the version to retry with' })
  currentVersion?: number;
}

export class FieldErrorView {
  @ApiProperty({ example: 'expectedVersion', description: 'the field, as a path (`a.b[0].c`)' }) field: string;
  @ApiProperty({ type: [String], example: ['expectedVersion is required'] }) messages: string[];
}

export class ValidationErrorBody extends ErrorBody {
  @ApiProperty({ type: [FieldErrorView], description: 'every failing field' }) errors: FieldErrorView[];
}

export const ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 422, 429, 503] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

const DESCRIPTIONS: Readonly<Record<ErrorStatus, string>> = {
  400: 'invalid input: `errors` names every failing field',
  401: 'no token, or a bad or expired one',
  403: 'the caller’s role may never do this',
  404: 'no such record, or one the caller may not see',
  409: 'a stale expectedVersion (with currentVersion), a duplicate, or a full cohort',
  413: 'body too large',
  422: 'a move the state of the record forbids; nothing changed',
  429: 'rate-limited: try again later',
  503: 'a dependency (database) is unavailable: try again later',
};

/**
 * Declares error responses with the one error shape: on a controller (every route) or a route.
 * `@ApiErrors(400, 401, 403, 404)` on the class, `@ApiErrors(409, 422)` on the routes that can
 * also answer those. `test/openapi.e2e-spec.ts` holds every route to it.
 */
export function ApiErrors(...statuses: ErrorStatus[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorBody, ValidationErrorBody, FieldErrorView),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        content: { 'application/json': { schema: { $ref: getSchemaPath(status === 400 ? ValidationErrorBody : ErrorBody) } } },
      }),
    ),
  );
}

/** What every authenticated route can answer: bad input, no token, wrong role, and 503. */
export const ApiAuthenticatedErrors = (): ClassDecorator & MethodDecorator => ApiErrors(400, 401, 403, 503);
/** What every public route can answer. */
export const ApiPublicErrors = (): ClassDecorator & MethodDecorator => ApiErrors(400, 503);

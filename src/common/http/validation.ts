import { BadRequestException, ConflictException, UnprocessableEntityException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Name of constraints whose message lists nested paths, one "path\tmessage" per line. */
export const NESTED_PATHS_CONSTRAINT = 'nestedPaths';

export interface FieldError {
  field: string;
  messages: string[];
}

/** Flattens class-validator's tree into `a.b[0].c`-style field paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent === '' ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    if (error.constraints?.[NESTED_PATHS_CONSTRAINT]) {
      // a validator that checks a whole structure reports one line per bad part: "path\tmessage"
      for (const line of error.constraints[NESTED_PATHS_CONSTRAINT].split('\n')) {
        const [path, message] = line.split('\t');
        const nested = path ? (path.startsWith('[') ? `${field}${path}` : `${field}.${path}`) : field;
        out.push({ field: nested, messages: [`${nested}: ${message}`] });
      }
    } else if (error.constraints && error.value === undefined) {
      // a missing field fails every rule at once ("must not be less than 1", "must be an
      // integer"...): say what is actually wrong
      out.push({ field, messages: [`${field} is required`] });
    } else if (error.constraints) {
      const messages = Object.values(error.constraints).map((m) =>
        // class-validator says "property x should not exist"; name it as a field like the others
        m.startsWith('property ') && m.endsWith('should not exist') ? `${field} is not an accepted field` : m.replace(error.property, field),
      );
      out.push({ field, messages });
    }
    if (error.children && error.children.length > 0) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** At most this many fields are named in one 400; `moreErrors` counts the rest (keeps error bodies small). */
export const MAX_REPORTED_ERRORS = 20;

/**
 * 400 `{statusCode, error, message: string[], errors: [{field, messages}]}` naming every failing
 * field, up to MAX_REPORTED_ERRORS of them, then `moreErrors: <how many more>`, then `detail`'s
 * keys when given (e.g. the state machine's refusal `code`). `message` lists each distinct
 * message once.
 */
export class FieldValidationException extends BadRequestException {
  constructor(
    readonly fieldErrors: FieldError[],
    detail: Record<string, unknown> = {},
  ) {
    const shown = fieldErrors.slice(0, MAX_REPORTED_ERRORS).map((e) => ({ field: e.field.slice(0, 200), messages: e.messages.slice(0, 5).map((m) => m.slice(0, 300)) }));
    const more = fieldErrors.length - shown.length;
    super({
      statusCode: 400,
      error: 'Bad Request',
      // each problem once, even when it concerns several fields (dates that overlap another
      // cohort's name both `startsOn` and `endsOn` under `errors`)
      message: [...new Set(shown.flatMap((e) => e.messages))],
      errors: shown,
      ...(more > 0 ? { moreErrors: more } : {}),
      ...detail,
    });
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    // the value is kept on the error (never sent back) to tell a missing field from a wrong one
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new FieldValidationException(flattenValidationErrors(errors)),
  });
}

/** 422 for a request well formed but refused by a rule of the case; `errors` names the fields. */
export function unprocessable(message: string, errors?: FieldError[]): UnprocessableEntityException {
  return new UnprocessableEntityException(errors ? { message: errors.flatMap((e) => e.messages), errors } : { message });
}

/** 409 when the `expectedVersion` sent is not the case's current one. */
export function staleVersion(current: number): ConflictException {
  return new ConflictException({ message: `The application has changed since version you sent (current version is ${current})`, currentVersion: current });
}

import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldError, flattenValidationErrors } from '../../common/http/validation';

/**
 * Validates a form's values with the API's own DTO (same rules, same messages), returning the
 * instance (transformed as the API's pipe would) and every failing field.
 */
export async function validateWithDto<T extends object>(dto: new () => T, values: Record<string, unknown>): Promise<{ value: T; errors: FieldError[] }> {
  const value = plainToInstance(dto, values);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } });
  return { value, errors: flattenValidationErrors(errors) };
}

/** A form field's posted value as one string ('' when absent; the first one when repeated). */
export function textOf(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}

/** A group of checkboxes' posted values. */
export function listOf(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

import { Transform, TransformFnParams } from 'class-transformer';

/** Emails are compared and stored trimmed and lower-cased. */
export const NormaliseEmail = (): PropertyDecorator =>
  Transform(({ value }: TransformFnParams) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

export const Trim = (): PropertyDecorator => Transform(({ value }: TransformFnParams) => (typeof value === 'string' ? value.trim() : value));

/**
 * How the staff and admin pages turn what a service refused into something a person reads, in
 * the page's language: a 400's field errors beside their fields, a 409 or 422 as a message at the
 * top of the page. Anything else (403, 404, 429, 5xx) is left to the error pages. Pure.
 */
import { HttpException } from '@nestjs/common';
import type { FieldError } from '../../../common/http/validation';

export interface PageProblem {
  status: 400 | 409 | 422;
  /** the API's `code` when it gives one (e.g. `cohort_full`) */
  code: string | null;
  fields: FieldError[];
  /** the API's own message (English), for the log and as a last resort */
  message: string;
}

/** The problem a page shows itself, or null when the error page should answer. */
export function pageProblemOf(error: unknown): PageProblem | null {
  if (!(error instanceof HttpException)) return null;
  const status = error.getStatus();
  if (status !== 400 && status !== 409 && status !== 422) return null;
  const body = error.getResponse();
  const data = typeof body === 'object' && body !== null ? (body as { code?: unknown; errors?: unknown; message?: unknown }) : {};
  const fields = Array.isArray(data.errors) ? (data.errors as FieldError[]) : [];
  const message = Array.isArray(data.message) ? data.message.join('; ') : typeof data.message === 'string' ? data.message : error.message;
  return { status, code: typeof data.code === 'string' ? data.code : null, fields, message };
}

/**
 * Field errors as `field → message`: the message of `${prefix}.${field}` for the page's `known`
 * controls (each has its text in the catalogue), else a generic one naming the field. Nested paths (`rules.conditions[0].op`)
 * are shown on their top-level control, where the person can fix them.
 */
export function fieldMessages(fields: readonly FieldError[], prefix: string, t: (key: string, params?: Record<string, unknown>) => string, known: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of fields) {
    const control = error.field.split(/[.[]/)[0];
    if (out[control] !== undefined) continue;
    const key = `${prefix}.${control}`;
    out[control] = known.includes(control) ? t(key) : t('admin.errors.invalidField', { field: control });
  }
  return out;
}

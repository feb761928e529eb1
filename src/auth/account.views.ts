// the one error shape is declared once, for every route: src/common/http/api-errors.ts
export { ErrorBody, FieldErrorView, ValidationErrorBody } from '../common/http/api-errors';

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `{statusCode, error, message}`: every error the API answers. */
export class ErrorBody {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) message: string | string[];
}

export class FieldErrorView {
  @ApiProperty({ example: 'token' }) field: string;
  @ApiProperty({ type: [String] }) messages: string[];
}

/** A 400 from validation: every failing field named. */
export class ValidationErrorBody extends ErrorBody {
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
}

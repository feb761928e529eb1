import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { CASE_STATUSES } from '../../domain/case-state-machine';
import { DOCUMENT_KINDS } from '../../domain/document-rules';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);

export class ExpectedVersionDto {
  @ApiProperty({ description: 'the version you saw; 409 with the current one if the case changed meanwhile', minimum: 1, example: 3 })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class TransitionDto extends ExpectedVersionDto {
  @ApiProperty({ enum: CASE_STATUSES, example: 'accepted' })
  @IsIn(CASE_STATUSES)
  to: string;

  @ApiPropertyOptional({ description: 'programme slug: internal for accepted, external for referred', example: 'poc-funding' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  programme?: string;

  @ApiPropertyOptional({ description: 'required to decline and to reopen', maxLength: 2000, example: 'A strong academic team with a clear clinical need' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;

  @ApiPropertyOptional({ description: 'required to request information: sent to the founder', maxLength: 10000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(10000)
  message?: string;

  @ApiPropertyOptional({ type: [String], enum: DOCUMENT_KINDS, description: 'with info_requested only: the document kinds the founder should attach (shown in the email and on the timeline)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DOCUMENT_KINDS.length)
  @ArrayUnique({ message: 'documents must not repeat a kind' })
  @IsIn(DOCUMENT_KINDS, { each: true, message: `each of documents must be one of ${DOCUMENT_KINDS.join(', ')}` })
  documents?: string[];
}

export class AssignDto extends ExpectedVersionDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null unassigns' })
  @ValidateIf((_, value) => value !== null)
  @IsUUID('all', { message: 'assigneeId must be a user id or null' })
  assigneeId: string | null;
}

export class AutoAssignDto {
  @ApiPropertyOptional({ description: 'the version you saw (optional here)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class BodyDto {
  @ApiProperty({ minLength: 1, maxLength: 10000, example: 'Could you send your latest clinical results?' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'body must not be empty' })
  @MaxLength(10000)
  body: string;
}

export { PageQuery } from '../../common/pagination/page-query.dto';

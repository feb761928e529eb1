import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, registerDecorator, ValidateNested } from 'class-validator';
import { NESTED_PATHS_CONSTRAINT } from '../../common/http/validation';
import { validateRules } from '../../routing/rule-language';
import { DOCUMENT_KINDS } from '../../domain/document-rules';
import { RubricCriterionView } from '../programme.view';
import { rubricErrors } from '../rubric';

/** Runs the rubric's own validator, so each bad part is named by its path (`rubric[1].weight`). */
function IsRubric(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: NESTED_PATHS_CONSTRAINT,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => rubricErrors(value).length === 0,
        // a path starting with `[` hangs off the field itself (`rubric[0].key`), not below it
        defaultMessage: (args) => rubricErrors(args?.value).map((e) => `${e.path}\t${e.message}`).join('\n'),
      },
    });
}

/** `requiredDocuments`: each a document kind, once. */
function RequiredDocuments(): PropertyDecorator {
  const decorators = [
    ApiPropertyOptional({ type: [String], enum: DOCUMENT_KINDS, description: 'document kinds an application needs to be submitted when this programme ranks first (default none)' }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(DOCUMENT_KINDS.length),
    ArrayUnique({ message: 'requiredDocuments must not repeat a kind' }),
    IsIn(DOCUMENT_KINDS, { each: true, message: `each of requiredDocuments must be one of ${DOCUMENT_KINDS.join(', ')}` }),
  ];
  return (target: object, key: string | symbol) => decorators.forEach((d) => d(target, key));
}

/** Runs the rule language's own validator, so each bad part is named by its path. */
function IsProgrammeRules(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: NESTED_PATHS_CONSTRAINT,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => validateRules(value).ok,
        defaultMessage: (args) => {
          const result = validateRules(args?.value);
          return result.ok ? '' : result.errors.map((e) => `${e.path}\t${e.message}`).join('\n');
        },
      },
    });
}

export class LocalizedTextDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  fr: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  en: string;
}

const RULES_DOC =
  'hard conditions and weighted preferences in the routing rule language (see src/routing/rule-language.ts): ' +
  '{ conditions: [{code, when, text:{fr,en}}], preferences: [{code, when, weight, text:{fr,en}}], fallback? }';

export class CreateProgrammeDto {
  @ApiProperty({ example: 'medtech-accelerator', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'slug must be 2-63 lowercase letters, digits or dashes' })
  slug: string;

  @ApiProperty({ enum: ['internal', 'external'] })
  @IsIn(['internal', 'external'])
  kind: 'internal' | 'external';

  @ApiProperty({ type: LocalizedTextDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  name: LocalizedTextDto;

  @ApiProperty({ type: LocalizedTextDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  description: LocalizedTextDto;

  @ApiProperty({ type: 'object', additionalProperties: true, description: RULES_DOC })
  @IsProgrammeRules()
  rules: Record<string, unknown>;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @RequiredDocuments()
  requiredDocuments?: string[];
}

export class UpdateProgrammeDto {
  @ApiPropertyOptional({ type: LocalizedTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  name?: LocalizedTextDto;

  @ApiPropertyOptional({ type: LocalizedTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  description?: LocalizedTextDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: RULES_DOC })
  @IsOptional()
  @IsProgrammeRules()
  rules?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'false deactivates: routing skips the programme, cases keep it' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @RequiredDocuments()
  requiredDocuments?: string[];

  @ApiPropertyOptional({
    type: () => [RubricCriterionView],
    description: 'the scoring rubric of expert reviews: [{key, label:{fr,en}, description:{fr,en}, weight 1–10, max 1–10}]; a change makes a new rubric version (past reviews keep theirs). The only field a programme manager may change, on their own programmes',
  })
  @IsOptional()
  @IsRubric()
  rubric?: unknown[];
}

export class ProgrammeListQuery {
  @ApiPropertyOptional({ enum: ['fr', 'en'], description: 'language of the readable rules (default: Accept-Language, then fr)' })
  @IsOptional()
  @IsIn(['fr', 'en'])
  locale?: 'fr' | 'en';

  @ApiPropertyOptional({ description: 'include deactivated programmes' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeInactive?: 'true' | 'false';
}

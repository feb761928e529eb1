import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { AFFILIATIONS, DOMAINS, NEEDS, STAGES } from '../../routing/application-profile';
import { isValidSiren } from '../siren';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
const notNull = (_: object, value: unknown): boolean => value !== null && value !== undefined;

/** A real calendar day written `YYYY-MM-DD`. */
function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDay',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a date written YYYY-MM-DD`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const date = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && value >= '1900-01-01';
        },
      },
    });
}

function IsSiren(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSiren',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'siren must be 9 digits with a valid check digit (Luhn)', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isValidSiren(value) },
    });
}

/**
 * The application's fields, each optional here (a draft is completed over several visits).
 * A field sent as null is cleared; completeness is checked at submission.
 */
export class ApplicationFieldsDto {
  @ApiPropertyOptional({ type: String, minLength: 50, maxLength: 5000, nullable: true, example: 'A wearable ECG patch that detects atrial fibrillation at home, validated with a university hospital.' })
  @IsOptional()
  @Transform(trim)
  @ValidateIf(notNull)
  @IsString()
  @Length(50, 5000, { message: 'projectSummary must be between 50 and 5000 characters' })
  projectSummary?: string | null;

  @ApiPropertyOptional({ enum: STAGES, nullable: true })
  @IsOptional()
  @ValidateIf(notNull)
  @IsIn(STAGES)
  stage?: string | null;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 9, nullable: true, description: 'technology readiness level', example: 4 })
  @IsOptional()
  @ValidateIf(notNull)
  @IsInt()
  @Min(1)
  @Max(9)
  trl?: number | null;

  @ApiPropertyOptional({ enum: DOMAINS, isArray: true, nullable: true })
  @IsOptional()
  @ValidateIf(notNull)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DOMAINS.length)
  @ArrayUnique()
  @IsIn(DOMAINS, { each: true })
  domains?: string[] | null;

  @ApiPropertyOptional({ enum: NEEDS, isArray: true, nullable: true })
  @IsOptional()
  @ValidateIf(notNull)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NEEDS.length)
  @ArrayUnique()
  @IsIn(NEEDS, { each: true })
  needs?: string[] | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true })
  @IsOptional()
  @ValidateIf(notNull)
  @IsBoolean()
  incorporated?: boolean | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, description: 'required when incorporated, not in the future', example: '2025-09-01' })
  @IsOptional()
  @ValidateIf(notNull)
  @IsCalendarDay()
  incorporationDate?: string | null;

  @ApiPropertyOptional({ type: String, pattern: '^\\d{9}$', nullable: true, description: '9 digits with a valid Luhn key', example: '732829320' })
  @IsOptional()
  @Transform(({ value }: TransformFnParams) => (typeof value === 'string' ? value.replace(/\s+/g, '') : value))
  @ValidateIf(notNull)
  @IsString()
  @Matches(/^\d{9}$/, { message: 'siren must be exactly 9 digits' })
  @IsSiren()
  siren?: string | null;

  @ApiPropertyOptional({ enum: AFFILIATIONS, nullable: true })
  @IsOptional()
  @ValidateIf(notNull)
  @IsIn(AFFILIATIONS)
  academicAffiliation?: string | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true })
  @IsOptional()
  @ValidateIf(notNull)
  @IsBoolean()
  lookingForCofounder?: boolean | null;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 500, nullable: true, example: 3 })
  @IsOptional()
  @ValidateIf(notNull)
  @IsInt()
  @Min(1)
  @Max(500)
  teamSize?: number | null;

  @ApiPropertyOptional({ type: Number, minimum: 0, maximum: 100_000_000, nullable: true, description: 'whole euros', example: 150000 })
  @IsOptional()
  @ValidateIf(notNull)
  @IsInt({ message: 'fundingSoughtEur must be a whole number of euros' })
  @Min(0)
  @Max(100_000_000)
  fundingSoughtEur?: number | null;

  @ApiPropertyOptional({ type: String, format: 'uri', nullable: true, description: 'https only', example: 'https://cardiosense.example' })
  @IsOptional()
  @Transform(trim)
  @ValidateIf(notNull)
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: true }, { message: 'website must be an https:// URL' })
  website?: string | null;
}

export class CreateApplicationDto extends ApplicationFieldsDto {
  @ApiProperty({ minLength: 2, maxLength: 120, description: 'the only field a draft needs' })
  @Transform(trim)
  @IsString()
  @Length(2, 120, { message: 'startupName must be between 2 and 120 characters' })
  startupName: string;
}

export class UpdateApplicationDto extends ApplicationFieldsDto {
  @ApiPropertyOptional({ minLength: 2, maxLength: 120, example: 'Cardiosense' })
  @ValidateIf((_, value) => value !== undefined)
  @Transform(trim)
  @IsString({ message: 'startupName must be a string (it cannot be cleared)' })
  @Length(2, 120, { message: 'startupName must be between 2 and 120 characters' })
  startupName?: string;

  @ApiPropertyOptional({ description: 'when given, the edit is refused with 409 if the application changed meanwhile' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LOCALES, type Locale } from '../user.entity';
import { NormaliseEmail, Trim } from './user-fields';

import { STAFF_ROLES as STAFF_ROLE_VALUES, type StaffRole } from '../../domain/roles';

export { STAFF_ROLE_VALUES, type StaffRole };

export class CreateUserDto {
  @ApiProperty({ example: 'claire.martin@campus.example' })
  @NormaliseEmail()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Claire Martin' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  fullName: string;

  @ApiProperty({ enum: STAFF_ROLE_VALUES, description: 'staff roles only: founders sign up themselves' })
  @IsIn(STAFF_ROLE_VALUES)
  role: StaffRole;

  @ApiPropertyOptional({ minLength: 12, example: 'a long passphrase', description: 'omit it to invite the person by email: they choose their own' })
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters long' })
  @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'fr' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ description: 'how many open cases this advisor can hold', minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  capacity?: number;

  @ApiPropertyOptional({ type: [String], description: 'programme slugs: expertise (advisors) or ownership (programme managers)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { each: true, message: 'programmes must be programme slugs' })
  programmes?: string[];

  @ApiPropertyOptional({ type: [String], enum: LOCALES, description: 'languages the staff member speaks with founders' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(LOCALES, { each: true })
  languages?: Locale[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

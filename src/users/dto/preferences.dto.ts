import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, ValidateIf } from 'class-validator';
import { LOCALES, type Locale } from '../user.entity';

export class UpdatePreferencesDto {
  @ApiPropertyOptional({ description: 'receive the weekly digest (staff)' })
  @ValidateIf((_, value) => value !== undefined) // null is not a preference
  @IsBoolean()
  weeklyDigest?: boolean;

  @ApiPropertyOptional({ enum: LOCALES })
  @ValidateIf((_, value) => value !== undefined) // null is not a preference
  @IsIn(LOCALES)
  locale?: Locale;
}

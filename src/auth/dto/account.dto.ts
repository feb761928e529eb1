import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { NormaliseEmail } from '../../users/dto/user-fields';

/** The same rule as at sign-up: at least 12 characters (a passphrase), at most 200. */
const PASSWORD_MIN = 12;
const PASSWORD_MAX = 200;

/** The token of an emailed link (`PUBLIC_URL<path>?token=…`). */
function LinkToken(path: string): PropertyDecorator {
  return applyDecorators(ApiProperty({ description: `the token of the link \`PUBLIC_URL${path}?token=…\`` }), IsString(), MinLength(1), MaxLength(200));
}

/** A password being set: the same length rules wherever one is chosen. */
function NewPassword(field: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX }),
    IsString(),
    MinLength(PASSWORD_MIN, { message: `${field} must be at least ${PASSWORD_MIN} characters long` }),
    MaxLength(PASSWORD_MAX),
  );
}

export class VerifyEmailDto {
  @ApiProperty({ description: 'the token of the link `PUBLIC_URL/verify-email?token=…`' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'founder@startup.example' })
  @NormaliseEmail()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
}

export class ResetPasswordDto {
  @LinkToken('/password/reset')
  token: string;

  @NewPassword('password')
  password: string;
}

export class AcceptInvitationDto {
  @LinkToken('/invitation')
  token: string;

  @NewPassword('password')
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  currentPassword: string;

  @NewPassword('newPassword')
  newPassword: string;
}

export class LogoutQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '`true`: every token of the account, not only this one' })
  @IsOptional()
  @IsIn(['true', 'false'])
  everywhere?: 'true' | 'false';
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { NormaliseEmail } from '../../users/dto/user-fields';

/** The same rule as at sign-up: at least 12 characters (a passphrase), at most 200. */
const PASSWORD_MIN = 12;
const PASSWORD_MAX = 200;

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
  @ApiProperty({ description: 'the token of the link `PUBLIC_URL/password/reset?token=…`' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN, { message: `password must be at least ${PASSWORD_MIN} characters long` })
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'the token of the link `PUBLIC_URL/invitation?token=…`' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN, { message: `password must be at least ${PASSWORD_MIN} characters long` })
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  currentPassword: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN, { message: `newPassword must be at least ${PASSWORD_MIN} characters long` })
  @MaxLength(PASSWORD_MAX)
  newPassword: string;
}

export class LogoutQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '`true`: every token of the account, not only this one' })
  @IsOptional()
  @IsIn(['true', 'false'])
  everywhere?: 'true' | 'false';
}

import { Body, Controller, HttpCode, Ip, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccessTokenResponse, AuthResponse, UserResponse } from '../users/user.view';
import { AccountLifecycleService } from './account-lifecycle.service';
import { ErrorBody, ValidationErrorBody } from './account.views';
import type { AuthUser } from './auth-user';
import { CurrentUser, EveryAccount, Public, Roles } from '../common/http/auth.decorators';
import { AcceptInvitationDto, ChangePasswordDto, ForgotPasswordDto, LogoutQuery, ResetPasswordDto, VerifyEmailDto } from './dto/account.dto';

const BAD_LINK = 'the body is invalid (every failing field named), or `token` is forged, already used or expired';
const TOO_MANY = { description: 'rate-limited; `Retry-After` says in how many seconds to try again', type: ErrorBody, headers: { 'Retry-After': { schema: { type: 'integer' } } } };
const UNAUTHORIZED = { description: 'no token, or a token expired, logged out, or issued before the last password change', type: ErrorBody };

/** The account lifecycle over the API: thin, the flows live in AccountLifecycleService. */
@ApiTags('auth')
@Controller()
export class AccountController {
  constructor(private readonly accounts: AccountLifecycleService) {}

  @Public()
  @Post('auth/verify-email')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify my email address with the token of the link sent at sign-up (single use, 7 days)' })
  @ApiOkResponse({ type: UserResponse })
  @ApiBadRequestResponse({ description: BAD_LINK, type: ValidationErrorBody })
  async verifyEmail(@Body() dto: VerifyEmailDto): Promise<UserResponse> {
    return { user: await this.accounts.verifyEmail(dto.token) };
  }

  @Post('auth/verify-email/resend')
  @HttpCode(202)
  @Roles('founder')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Send the verification email again (at most 3 an hour); nothing is sent once verified' })
  @ApiAcceptedResponse({ description: 'queued (or nothing to do)' })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  @ApiForbiddenResponse({ description: 'staff are verified by their invitation', type: ErrorBody })
  @ApiTooManyRequestsResponse(TOO_MANY)
  async resend(@CurrentUser() user: AuthUser, @Ip() ip: string): Promise<void> {
    await this.accounts.resendVerification(user, ip);
  }

  @Public()
  @Post('auth/password/forgot')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask for a password reset email: the same answer whether or not the address has an account (at most 3 an hour per address)' })
  @ApiAcceptedResponse({ description: 'if the address has an account, a reset link (valid 1 hour, single use) is on its way' })
  @ApiBadRequestResponse({ description: 'the body is invalid', type: ValidationErrorBody })
  @ApiTooManyRequestsResponse(TOO_MANY)
  async forgot(@Body() dto: ForgotPasswordDto, @Ip() ip: string): Promise<void> {
    await this.accounts.forgotPassword(dto.email, ip);
  }

  @Public()
  @Post('auth/password/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Choose a new password with the token of the reset link; every earlier token of the account stops working' })
  @ApiOkResponse({ type: AuthResponse })
  @ApiBadRequestResponse({ description: `${BAD_LINK}; a weak password names \`password\``, type: ValidationErrorBody })
  @ApiTooManyRequestsResponse(TOO_MANY)
  reset(@Body() dto: ResetPasswordDto, @Ip() ip: string): Promise<AuthResponse> {
    return this.accounts.resetPassword(dto.token, dto.password, ip);
  }

  @Public()
  @Post('auth/invitation/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: choose my password and arrive signed in' })
  @ApiOkResponse({ type: AuthResponse })
  @ApiBadRequestResponse({ description: `${BAD_LINK}; a weak password names \`password\``, type: ValidationErrorBody })
  @ApiTooManyRequestsResponse(TOO_MANY)
  accept(@Body() dto: AcceptInvitationDto, @Ip() ip: string): Promise<AuthResponse> {
    return this.accounts.acceptInvitation(dto.token, dto.password, ip);
  }

  @EveryAccount()
  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Log out: this token stops working; with `everywhere=true`, every token of the account' })
  @ApiNoContentResponse({ description: 'logged out' })
  @ApiBadRequestResponse({ description: '`everywhere` is neither `true` nor `false`, or an unknown parameter', type: ValidationErrorBody })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  async logout(@CurrentUser() user: AuthUser, @Query() query: LogoutQuery): Promise<void> {
    await this.accounts.logout(user, query.everywhere === 'true');
  }

  @EveryAccount()
  @Post('me/password')
  @HttpCode(200)
  @ApiTags('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change my password (the current one is required); my other tokens stop working, the answer carries a new one' })
  @ApiOkResponse({ type: AccessTokenResponse })
  @ApiBadRequestResponse({ description: 'a wrong `currentPassword`, or a weak `newPassword`: the field is named', type: ValidationErrorBody })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  @ApiTooManyRequestsResponse(TOO_MANY)
  changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto): Promise<AccessTokenResponse> {
    return this.accounts.changePassword(user, dto.currentPassword, dto.newPassword);
  }
}

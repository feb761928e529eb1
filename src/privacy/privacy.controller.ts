import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';

class ErasedView {
  @ApiProperty({ enum: [true] }) erased: true;
}
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles } from '../common/http/auth.decorators';
import { PrivacyService } from './privacy.service';

@ApiTags('me')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('me')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('export')
  @Roles('founder')
  @ApiOperation({ summary: 'Everything the campus holds about me, as one JSON document (GDPR)' })
  @ApiOkResponse({ description: 'the account, applications, messages, timeline and emails about me', schema: { type: 'object', additionalProperties: true } })
  @ApiErrors(429)
  export(@CurrentUser() user: AuthUser): Promise<Record<string, unknown>> {
    return this.privacy.export(user);
  }

  @Delete()
  @HttpCode(200)
  @Roles('founder')
  @ApiOperation({ summary: 'Erase my account: personal data removed or anonymised everywhere; anonymous statistics kept' })
  @ApiOkResponse({ type: ErasedView })
  async erase(@CurrentUser() user: AuthUser): Promise<{ erased: true }> {
    await this.privacy.erase(user);
    return { erased: true };
  }
}

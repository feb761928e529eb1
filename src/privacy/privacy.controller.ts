import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { PrivacyService } from './privacy.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('export')
  @Roles('founder')
  @ApiOperation({ summary: 'Everything the campus holds about me, as one JSON document (GDPR)' })
  export(@CurrentUser() user: AuthUser): Promise<Record<string, unknown>> {
    return this.privacy.export(user);
  }

  @Delete()
  @HttpCode(200)
  @Roles('founder')
  @ApiOperation({ summary: 'Erase my account: personal data removed or anonymised everywhere; anonymous statistics kept' })
  async erase(@CurrentUser() user: AuthUser): Promise<{ erased: true }> {
    await this.privacy.erase(user);
    return { erased: true };
  }
}

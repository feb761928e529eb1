import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, EveryAccount } from '../common/http/auth.decorators';
import { UpdatePreferencesDto } from './dto/preferences.dto';
import { toUserView, UserView } from './user.view';
import { UsersService } from './users.service';

@ApiTags('me')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@EveryAccount()
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'My profile' })
  @ApiOkResponse({ type: UserView })
  async me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return toUserView(await this.users.get(user.id));
  }

  @Patch('preferences')
  @ApiOperation({ summary: 'My preferences: weekly digest on/off, language' })
  @ApiOkResponse({ type: UserView })
  preferences(@CurrentUser() user: AuthUser, @Body() dto: UpdatePreferencesDto): Promise<UserView> {
    return this.users.updatePreferences(user.id, dto);
  }
}

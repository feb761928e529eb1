import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ErrorBody } from '../common/http/api-errors';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles } from '../common/http/auth.decorators';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserPage, UserView } from './user.view';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a staff account (advisor, programme manager or admin)',
    description: 'With `password`: usable at once. Without: an invitation email goes out (link valid 7 days); the account cannot sign in until its owner accepts it and chooses a password.',
  })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(409)
  create(@CurrentUser() admin: AuthUser, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto, admin.id);
  }

  @Post(':id/invitation')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Send a pending invitation again, with a new link valid 7 days (the earlier links stop working); 409 once accepted' })
  @ApiAcceptedResponse({ description: 'queued' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'no such staff account' })
  @ApiConflictResponse({ type: ErrorBody, description: 'the invitation was already accepted' })
  async reinvite(@CurrentUser() admin: AuthUser, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.users.reinvite(id, admin.id);
  }

  @Get()
  @Roles('admin', 'programme_manager')
  @ApiOperation({ summary: 'List accounts, optionally by role' })
  @ApiOkResponse({ type: UserPage })
  list(@Query() query: ListUsersQuery): Promise<UserPage> {
    return this.users.list(query);
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Edit a staff account: role, capacity, programmes, languages, (de)activate' })
  @ApiOkResponse({ type: UserView })
  @ApiErrors(404, 409)
  update(@Param('id', UuidParamPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.users.update(id, dto);
  }
}

import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { MeController } from './me.controller';
import { UsersController } from './users.controller';
import { StaffDirectory } from './staff-directory.repository';
import { UsersService } from './users.service';

@Module({ imports: [ProgrammesModule, AccountsModule], controllers: [UsersController, MeController], providers: [UsersService, StaffDirectory], exports: [UsersService, StaffDirectory] })
export class UsersModule {}

import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { MeController } from './me.controller';
import { UsersController } from './users.controller';
import { StaffDirectory } from './staff-directory.repository';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({ imports: [ProgrammesModule, AccountsModule], controllers: [UsersController, MeController], providers: [UsersService, UsersRepository, StaffDirectory], exports: [UsersService, UsersRepository, StaffDirectory] })
export class UsersModule {}

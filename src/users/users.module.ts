import { Module } from '@nestjs/common';
import { MeController } from './me.controller';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({ controllers: [UsersController, MeController], providers: [UsersService], exports: [UsersService] })
export class UsersModule {}

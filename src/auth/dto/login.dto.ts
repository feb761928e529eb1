import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { NormaliseEmail } from '../../users/dto/user-fields';

export class LoginDto {
  @ApiProperty()
  @NormaliseEmail()
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

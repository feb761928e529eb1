import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class CreateCohortDto {
  @ApiProperty({ example: 'Printemps 2027' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(120)
  name: string;

  @ApiProperty({ format: 'date' })
  @Matches(DAY, { message: 'startsOn must be a date written YYYY-MM-DD' })
  startsOn: string;

  @ApiProperty({ format: 'date' })
  @Matches(DAY, { message: 'endsOn must be a date written YYYY-MM-DD' })
  endsOn: string;

  @ApiProperty({ minimum: 1, maximum: 10000 })
  @IsInt()
  @Min(1)
  @Max(10000)
  capacity: number;
}

export class EnrolDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'applicationId must be an application id' })
  applicationId: string;
}

export class CreateMilestoneDto {
  @ApiProperty({ example: 'Pitch deck v2' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  title: string;

  @ApiProperty({ format: 'date' })
  @Matches(DAY, { message: 'dueOn must be a date written YYYY-MM-DD' })
  dueOn: string;
}

export class UpdateMilestoneDto {
  @ApiPropertyOptional({ example: 'Pitch deck v3', minLength: 2, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ format: 'date', example: '2027-04-15' })
  @IsOptional()
  @Matches(DAY, { message: 'dueOn must be a date written YYYY-MM-DD' })
  dueOn?: string;
}

export class MilestoneProgressDto {
  @ApiProperty({ enum: ['pending', 'done', 'missed'] })
  @IsIn(['pending', 'done', 'missed'])
  status: 'pending' | 'done' | 'missed';

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class CohortListQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(63)
  programme?: string;
}

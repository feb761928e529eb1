import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';

class HealthView {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status: 'ok' | 'degraded';
  @ApiProperty({ enum: ['up', 'down'] }) db: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) redis: 'up' | 'down';
}
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../common/http/auth.decorators';
import { RedisService } from '../redis/redis.service';

export interface HealthReport {
  status: 'ok' | 'degraded';
  db: 'up' | 'down';
  redis: 'up' | 'down';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness and dependencies: 200 when PostgreSQL and Redis answer, 503 naming the one that does not' })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ type: HealthView, description: 'a dependency is down: the same report, naming it' })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const [db, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), 1500).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      this.redis.ping(1500).then((ok) => (ok ? ('up' as const) : ('down' as const))),
    ]);
    const healthy = db === 'up' && redis === 'up';
    res.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: healthy ? 'ok' : 'degraded', db, redis };
  }
}

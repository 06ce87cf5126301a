import { Global, Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthService } from '@auraison/observability';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions, type ServiceDatabaseOptions } from './data-source.js';
import { pendingMigrations } from './migrations.js';

const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

/** Readiness of the database: reachable, and every migration this build knows is applied. */
@Injectable()
export class DatabaseHealth implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthService,
    @Inject(DATABASE_OPTIONS) private readonly options: ServiceDatabaseOptions,
  ) {}

  onModuleInit(): void {
    this.health.addReadinessCheck('database', async () => {
      await this.dataSource.query('SELECT 1');
      const pending = await pendingMigrations(this.dataSource);
      if (pending.length > 0)
        return {
          ok: false,
          detail: `schema "${this.options.schema}" has pending migrations (${pending.join(', ')}): run \`npm run migrate\``,
        };
      return { ok: true };
    });
  }
}

/** TypeORM on the service's schema, with a readiness check. Import once in the app module. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: ServiceDatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRoot({
          ...serviceDataSourceOptions(options),
          retryAttempts: 5,
          retryDelay: 2000,
        }),
      ],
      providers: [{ provide: DATABASE_OPTIONS, useValue: options }, DatabaseHealth],
      exports: [TypeOrmModule],
    };
  }
}

// PersistenceModule's TypeORM setup and readiness check, with two differences for every connection of
// the pool (set on connect with `-c`):
// - it switches to the runtime role, so the running service can only do what that role is granted
//   (INSERT and SELECT on the history); migrations keep the login user;
// - its prepared statements use generic plans: the history is partitioned by month, and planning a
//   query over every partition (a job trace touches them four times) costs ten times more than running
//   it, while the generic plan prunes partitions at run time just as well.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthService } from '@auraison/observability';
import { DatabaseHealth, serviceDataSourceOptions, type ServiceDatabaseOptions } from '@auraison/persistence';
import { DataSource } from 'typeorm';
import { PgDatabase } from './pg-database.js';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** TypeORM options whose connections run as `role`. */
export function runtimeDataSourceOptions(options: ServiceDatabaseOptions, role: string) {
  if (!ROLE_NAME.test(role)) throw new Error(`invalid role name ${JSON.stringify(role)}`);
  const base = serviceDataSourceOptions(options);
  const extra = (base.extra ?? {}) as { options?: string };
  const startup = `${extra.options ?? ''} -c role=${role} -c plan_cache_mode=force_generic_plan`.trim();
  return { ...base, extra: { ...extra, options: startup } };
}

@Global()
@Module({})
export class RuntimeDatabaseModule {
  static forRoot(options: ServiceDatabaseOptions, role: string): DynamicModule {
    return {
      module: RuntimeDatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...runtimeDataSourceOptions(options, role),
          retryAttempts: 5,
          retryDelay: 2000,
        }),
      ],
      providers: [
        {
          provide: DatabaseHealth,
          inject: [DataSource, HealthService],
          useFactory: (ds: DataSource, health: HealthService) => new DatabaseHealth(ds, health, options),
        },
        {
          provide: PgDatabase,
          inject: [DataSource],
          useFactory: (ds: DataSource) => PgDatabase.fromDataSource(ds),
        },
      ],
      exports: [TypeOrmModule, PgDatabase],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { PersistenceModule } from '@auraison/persistence';
import { SERVICE_NAME, type EvalLoopConfig } from './config.js';
import { databaseOptions } from './database.js';

/** Wires the feature modules of eval-loop; no logic here. */
@Module({})
export class AppModule {
  static forRoot(config: EvalLoopConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logger }),
        PersistenceModule.forRoot(databaseOptions(config)),
      ],
    };
  }
}

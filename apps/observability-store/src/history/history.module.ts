import { Module, type DynamicModule } from '@nestjs/common';
import { DecisionsController } from './api/decisions.controller.js';
import { EventsController } from './api/events.controller.js';
import { ToolCallsController } from './api/tool-calls.controller.js';
import { TracesController } from './api/traces.controller.js';
import { ReadJobTrace } from './application/job-trace.usecase.js';
import { ReadEvents } from './application/read-events.usecase.js';
import { ACTUATION_TOOLS, ReadToolCalls } from './application/read-tool-calls.usecase.js';
import { SearchDecisions } from './application/search-decisions.usecase.js';
import { HistoryRepository } from './persistence/history.repository.js';

/** The query API: events, job traces, session replay, decision search, tool calls, safety review. */
@Module({})
export class HistoryModule {
  static forRoot(options: { actuationTools: readonly string[] }): DynamicModule {
    return {
      module: HistoryModule,
      controllers: [EventsController, TracesController, ToolCallsController, DecisionsController],
      providers: [
        { provide: ACTUATION_TOOLS, useValue: options.actuationTools },
        HistoryRepository,
        ReadEvents,
        ReadJobTrace,
        ReadToolCalls,
        SearchDecisions,
      ],
    };
  }
}

// The TypeScript type of each message type name used in CONSUMERS, so a @ConsumeBatch handler's
// parameter is checked against the consumer it is bound to.
import type { AgentEvent, Alert, EvaluationSummary, ExecutionEvent, TenantEvent } from '@auraison/contracts';

export interface PlaneMessages {
  'auraison.mp.v1.AgentEvent': AgentEvent;
  'auraison.mp.v1.ExecutionEvent': ExecutionEvent;
  'auraison.mp.v1.TenantEvent': TenantEvent;
  'auraison.mp.v1.EvaluationSummary': EvaluationSummary;
  'auraison.mp.v1.Alert': Alert;
}

/** The message type of a consumer declaration (`AgentEvent` for CONSUMERS.billingAgentEvents). */
export type MessageOf<C extends { readonly messageType: string }> =
  C['messageType'] extends keyof PlaneMessages ? PlaneMessages[C['messageType']] : unknown;

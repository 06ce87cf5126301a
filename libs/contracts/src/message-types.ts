// One descriptor per message type carried on NATS: how to encode, decode and validate it.
import { AgentEvent } from './gen/auraison/mp/v1/agent_event.js';
import { Alert } from './gen/auraison/mp/v1/alert.js';
import { EvaluationSummary } from './gen/auraison/mp/v1/evaluation.js';
import { ExecutionEvent } from './gen/auraison/mp/v1/execution_event.js';
import { TenantEvent } from './gen/auraison/mp/v1/tenant_event.js';
import {
  validateAgentEvent,
  validateAlert,
  validateEvaluationSummary,
  validateExecutionEvent,
  validateTenantEvent,
} from './validation.js';

/** Generated ts-proto functions of one message (the subset the codec needs). */
interface GeneratedMessage<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

export interface MessageType<T> {
  /** Fully qualified protobuf name, e.g. `auraison.mp.v1.AgentEvent`. */
  readonly typeName: string;
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /** Semantic problems of a decoded message (empty when valid). */
  validate(message: T): string[];
  /** The event id, used as Nats-Msg-Id and idempotency key. */
  eventId(message: T): string;
}

function define<T extends { eventId: string }>(
  typeName: string,
  fns: GeneratedMessage<T>,
  validate: (m: T) => string[],
): MessageType<T> {
  return {
    typeName,
    encode: (m) => fns.encode(m).finish(),
    decode: (b) => fns.decode(b),
    validate,
    eventId: (m) => m.eventId,
  };
}

export const AgentEventMessage = define('auraison.mp.v1.AgentEvent', AgentEvent, validateAgentEvent);
export const ExecutionEventMessage = define(
  'auraison.mp.v1.ExecutionEvent',
  ExecutionEvent,
  validateExecutionEvent,
);
export const TenantEventMessage = define('auraison.mp.v1.TenantEvent', TenantEvent, validateTenantEvent);
export const EvaluationSummaryMessage = define(
  'auraison.mp.v1.EvaluationSummary',
  EvaluationSummary,
  validateEvaluationSummary,
);
export const AlertMessage = define('auraison.mp.v1.Alert', Alert, validateAlert);

/** Every message type carried on a JetStream subject, by fully qualified name. */
export const MESSAGE_TYPES: Readonly<Record<string, MessageType<{ eventId: string }>>> = Object.freeze({
  [AgentEventMessage.typeName]: AgentEventMessage,
  [ExecutionEventMessage.typeName]: ExecutionEventMessage,
  [TenantEventMessage.typeName]: TenantEventMessage,
  [EvaluationSummaryMessage.typeName]: EvaluationSummaryMessage,
  [AlertMessage.typeName]: AlertMessage,
} as Record<string, MessageType<{ eventId: string }>>);

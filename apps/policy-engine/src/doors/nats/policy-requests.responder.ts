// The NATS door: core NATS request-reply on `mp.policy.requests.<Method>` (e.g.
// `mp.policy.requests.AdmitJob`), in the `policy-engine` queue group so replicas share the load.
// Payloads are the gRPC request and response messages themselves, protobuf or proto3 JSON (the
// request's Content-Type decides, and the reply uses the same), with no framework envelope, so the
// Python control plane calls it with a plain `nc.request()`. The bearer token travels in the
// `Authorization` header and is checked with the same verifier and permission table as HTTP and gRPC.
// Every reply carries `Mp-Status` (a gRPC status code, 0 on success); a failed request is answered
// with a PolicyError message and the headers `Mp-Status-Name` and `Mp-Error`.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AuthError, hasPermission, TokenVerifier, type Permission, type Principal } from '@auraison/auth';
import {
  AdmitJobRequest,
  AdmitJobResponse,
  CodecError,
  CONTENT_TYPE_HEADER,
  decodeMessage,
  encodeMessage,
  formatOf,
  GetAgentConfigRequest,
  GetAgentConfigResponse,
  GetQuotaRequest,
  GetQuotaResponse,
  GetToolScopeRequest,
  GetToolScopeResponse,
  PolicyError as PolicyErrorMessage,
  POLICY_REQUESTS_QUEUE,
  ReleaseJobRequest,
  ReleaseJobResponse,
  SUBJECTS,
  type MessageType,
  type PayloadFormat,
} from '@auraison/contracts';
import { NATS_CONNECTION, Namespace } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import {
  headers as natsHeaders,
  Match,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { GRPC_CODES, grpcStatusName, PolicyError } from '../../common/domain/policy-error.js';
import type { Operation } from '../../metrics/policy-metrics.js';
import { PolicyCore } from '../../policy/application/policy-core.js';
import { PolicyDoors, withTraceId } from '../policy-doors.js';

export const STATUS_HEADER = 'Mp-Status';
export const STATUS_NAME_HEADER = 'Mp-Status-Name';
export const ERROR_HEADER = 'Mp-Error';
export const AUTHORIZATION_HEADER = 'Authorization';

interface Generated<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/** A generated request/response message as the contracts codec wants it (no event id, no checks). */
function messageType<T>(name: string, fns: Generated<T>): MessageType<T> {
  return {
    typeName: `auraison.mp.v1.${name}`,
    encode: (m) => fns.encode(m).finish(),
    decode: (b) => fns.decode(b),
    validate: () => [],
    eventId: () => '',
  };
}

interface Route {
  operation: Operation;
  permission: Permission;
  request: MessageType<unknown>;
  response: MessageType<unknown>;
  handle(core: PolicyCore, principal: Principal, request: unknown): Promise<unknown>;
}

function route<Req, Res>(
  operation: Operation,
  permission: Permission,
  request: MessageType<Req>,
  response: MessageType<Res>,
  handle: (core: PolicyCore, principal: Principal, request: Req) => Promise<Res>,
): Route {
  return {
    operation,
    permission,
    request,
    response,
    handle,
  };
}

/** Method name (the subject's last token) → how to serve it. */
export const NATS_ROUTES: Readonly<Record<string, Route>> = {
  GetToolScope: route(
    'get_tool_scope',
    'policy:read',
    messageType('GetToolScopeRequest', GetToolScopeRequest),
    messageType('GetToolScopeResponse', GetToolScopeResponse),
    async (core, p, r) => core.getToolScope(p, r),
  ),
  GetQuota: route(
    'get_quota',
    'policy:read',
    messageType('GetQuotaRequest', GetQuotaRequest),
    messageType('GetQuotaResponse', GetQuotaResponse),
    async (core, p, r) => core.getQuota(p, r),
  ),
  AdmitJob: route(
    'admit_job',
    'quota:admit',
    messageType('AdmitJobRequest', AdmitJobRequest),
    messageType('AdmitJobResponse', AdmitJobResponse),
    async (core, p, r) => core.admitJob(p, r),
  ),
  ReleaseJob: route(
    'release_job',
    'quota:admit',
    messageType('ReleaseJobRequest', ReleaseJobRequest),
    messageType('ReleaseJobResponse', ReleaseJobResponse),
    async (core, p, r) => core.releaseJob(p, r),
  ),
  GetAgentConfig: route(
    'get_agent_config',
    'policy:read',
    messageType('GetAgentConfigRequest', GetAgentConfigRequest),
    messageType('GetAgentConfigResponse', GetAgentConfigResponse),
    async (core, p, r) => core.getAgentConfig(p, r),
  ),
};

const ERROR_TYPE = messageType('PolicyError', PolicyErrorMessage);
const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i;

function headerSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\r\n\u0000-\u001f]+/g, ' ').slice(0, 1000);
}

@Injectable()
export class PolicyRequestsResponder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly core: PolicyCore,
    private readonly doors: PolicyDoors,
    private readonly verifier: TokenVerifier,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly ns: Namespace,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const subject = this.ns.subject(SUBJECTS.policyRequests);
    const callback = (err: Error | null, msg: Msg): void => {
      if (err) this.logger.warn({ err: err.message }, 'policy request subscription error');
      else void this.handle(msg);
    };
    this.subscriptions.push(
      this.nc.subscribe(`${subject}.*`, { queue: POLICY_REQUESTS_QUEUE, callback }),
      // The bare subject answers with directions instead of leaving the caller to time out.
      this.nc.subscribe(subject, { queue: POLICY_REQUESTS_QUEUE, callback }),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Finish what was received; the queue group sends new requests to the other replicas.
    await Promise.all(this.subscriptions.map(async (s) => s.drain().catch(() => undefined)));
  }

  private async handle(msg: Msg): Promise<void> {
    if (!msg.reply) return; // a publish, not a request: nobody to answer
    const method = this.ns.localSubject(msg.subject).slice(SUBJECTS.policyRequests.length + 1);
    const route = NATS_ROUTES[method];
    const contentType = msg.headers?.get(CONTENT_TYPE_HEADER, Match.IgnoreCase) || undefined;
    let format: PayloadFormat = 'protobuf';
    try {
      format = formatOf(contentType);
    } catch {
      // Answer the Content-Type error in protobuf below.
    }
    if (!route) {
      this.reply(
        msg,
        format,
        new PolicyError(
          'unimplemented',
          `unknown method ${JSON.stringify(method)}: send requests to ${SUBJECTS.policyRequests}.<Method>, ` +
            `one of ${Object.keys(NATS_ROUTES).join(', ')}`,
        ),
      );
      return;
    }
    let ran = false;
    try {
      let principal: Principal;
      let request: unknown;
      try {
        formatOf(contentType);
        principal = await this.authenticate(msg, route.permission);
        request = decodeMessage(route.request, msg.data, contentType);
      } catch (e) {
        if (e instanceof CodecError) throw new PolicyError('invalid-argument', e.reason);
        throw e;
      }
      ran = true;
      if (route.operation === 'admit_job')
        request = withTraceId(request as AdmitJobRequest, {
          get: (name) => msg.headers?.get(name, Match.IgnoreCase) || undefined,
        });
      const response = await this.doors.run('nats', route.operation, async () =>
        route.handle(this.core, principal, request),
      );
      const encoded = encodeMessage(route.response, response, format);
      const h = natsHeaders();
      h.set(CONTENT_TYPE_HEADER, encoded.contentType);
      h.set(STATUS_HEADER, '0');
      msg.respond(encoded.data, { headers: h });
    } catch (err) {
      const error =
        err instanceof PolicyError
          ? err
          : new PolicyError('internal', 'internal error: the policy engine logged it');
      if (!(err instanceof PolicyError)) this.logger.error({ err, method }, 'policy request failed');
      if (!ran) this.doors.count('nats', route.operation, error);
      this.reply(msg, format, error);
    }
  }

  private async authenticate(msg: Msg, permission: Permission): Promise<Principal> {
    const header = msg.headers?.get(AUTHORIZATION_HEADER, Match.IgnoreCase);
    if (!header)
      throw new PolicyError(
        'unauthenticated',
        `missing bearer token: send the header ${AUTHORIZATION_HEADER}: Bearer <token>`,
      );
    const token = BEARER.exec(header)?.[1];
    if (!token)
      throw new PolicyError('unauthenticated', 'malformed Authorization header: expected Bearer <token>');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (e) {
      if (e instanceof AuthError) throw new PolicyError('unauthenticated', e.message);
      throw e;
    }
    if (!hasPermission(principal.roles, permission))
      throw new PolicyError('permission-denied', `this operation needs the permission ${permission}`);
    return principal;
  }

  private reply(msg: Msg, format: PayloadFormat, error: PolicyError): void {
    const code = GRPC_CODES[error.code];
    const body = {
      code,
      status: grpcStatusName(code),
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.retryAfterS ? { retryAfterS: error.retryAfterS } : {}),
    };
    const encoded = encodeMessage(ERROR_TYPE, body, format);
    const h = natsHeaders();
    h.set(CONTENT_TYPE_HEADER, encoded.contentType);
    h.set(STATUS_HEADER, String(code));
    h.set(STATUS_NAME_HEADER, body.status);
    h.set(ERROR_HEADER, headerSafe(error.message));
    try {
      msg.respond(encoded.data, { headers: h });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not answer a policy request');
    }
  }
}

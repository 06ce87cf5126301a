import { Module } from '@nestjs/common';
import { GrpcHealth } from './grpc/grpc-health.js';
import { PolicyGrpcController } from './grpc/policy.grpc-controller.js';
import { PolicyQueriesController } from './http/policy-queries.controller.js';
import { PolicyRequestsResponder } from './nats/policy-requests.responder.js';

/** The three doors of the PolicyService operations: gRPC, HTTP and NATS request-reply. */
@Module({
  controllers: [PolicyGrpcController, PolicyQueriesController],
  providers: [PolicyRequestsResponder, GrpcHealth],
})
export class DoorsModule {}

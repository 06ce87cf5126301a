// Serves PolicyService over gRPC beside HTTP (ServiceDefinition.microservices): the ts-proto service
// definition (its own protobuf codec, Dates and numbers as the core expects them), plus the standard
// grpc.health.v1.Health service and server reflection fed with the contracts' FileDescriptorSet.
import { createServer } from 'node:net';
import type { Server } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AURAISON_MP_V1_PACKAGE_NAME, descriptorSetBytes, PolicyServiceService } from '@auraison/contracts';
import type { MicroserviceEndpoint } from '@auraison/runtime';
import type { PolicyEngineConfig } from '../../config.js';
import { GrpcHealth, POLICY_SERVICE_FULL_NAME } from './grpc-health.js';

/** Largest request accepted (policy requests are small; 1 MiB like the HTTP body limit). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Connects the gRPC server to the app, on HTTP_HOST:GRPC_PORT (0 picks a free port). */
export async function connectGrpc(
  app: NestFastifyApplication,
  config: PolicyEngineConfig,
): Promise<MicroserviceEndpoint[]> {
  const host = config.HTTP_HOST;
  const port = config.GRPC_PORT === 0 ? await freePort(host) : config.GRPC_PORT;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const health = app.get(GrpcHealth);
  const reflection = new ReflectionService(loadFileDescriptorSetFromBuffer(descriptorSetBytes()), {
    services: [POLICY_SERVICE_FULL_NAME],
  });
  // inheritAppConfig: the app's global guard (authentication and permissions), filters and interceptors
  // apply to RPCs too; without it a hybrid microservice gets an empty configuration and no guard.
  app.connectMicroservice<GrpcOptions>(
    {
      transport: Transport.GRPC,
      options: {
        url: address,
        package: AURAISON_MP_V1_PACKAGE_NAME,
        packageDefinition: { [POLICY_SERVICE_FULL_NAME]: PolicyServiceService },
        maxReceiveMessageLength: MAX_MESSAGE_BYTES,
        gracefulShutdown: true,
        onLoadPackageDefinition: (_pkg: unknown, server: Server) => {
          health.attach(server);
          reflection.addToServer(server);
        },
      },
    },
    { inheritAppConfig: true },
  );
  return [{ transport: 'grpc', address }];
}

// A one-method gRPC service with raw Buffer messages: no .proto and no codec, so the echo baseline
// measures grpc-js alone.
import type { ServiceDefinition } from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;

export const ECHO_PATH = '/auraison.bench.Echo/Echo';

export const echoService = {
  echo: {
    path: ECHO_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
} satisfies ServiceDefinition;

/** What the server process sends its parent over IPC once it listens. */
export interface EchoServerReady {
  port: number;
}

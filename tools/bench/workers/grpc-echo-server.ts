// Bare grpc-js echo server, run as a child process of the bench so client and server each get a
// core (as a real policy engine and its caller would). Reports its port over IPC; exits when the
// parent disconnects.
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { echoService, type EchoServerReady } from '../suites/grpc-echo-service.js';

const server = new Server();
server.addService(echoService, {
  echo: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) =>
    callback(null, call.request),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`grpc echo server: ${err.message}`);
    process.exit(1);
  }
  const ready: EchoServerReady = { port };
  process.send?.(ready);
});
process.on('disconnect', () => {
  server.forceShutdown();
  process.exit(0);
});

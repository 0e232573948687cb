import { resolve } from 'node:path';
import { Server, ServerCredentials, loadPackageDefinition, type GrpcObject, type handleServerStreamingCall, type handleUnaryCall, type Metadata, type ServiceClientConstructor, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { Logger } from '@roost/ports';
import { bearerToken } from '../auth/api-tokens';
import type { OperationRunner } from '../operations/operation-runner';
import type { RolloutWatches } from '../watch/rollout-watch';
import { grpcError } from './grpc-errors';
import { healthService } from './grpc-health';
import { GRPC_METHODS, type GrpcMethod } from './grpc-methods';

/** proto/ at the repository root. */
export const PROTO_ROOT = resolve(__dirname, '../../../../proto');
export const ADMIN_PROTO_FILES = ['admin/v1/admin.proto', 'admin/v1/health.proto'];
export const ADMIN_PACKAGE = 'roost.admin.v1';

/** Field names as in the .proto, 64-bit integers as numbers, enums as names, absent fields absent. */
export const PROTO_LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: false, arrays: true, oneofs: true, includeDirs: [PROTO_ROOT] };

export function loadAdminProtos(): PackageDefinition {
  return loadSync(ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS);
}

export interface GrpcServerDeps {
  readonly runner: OperationRunner;
  readonly watches: RolloutWatches;
  readonly logger: Logger;
  readonly ready: () => Promise<boolean>;
}

export interface RunningGrpcServer {
  /** `host:port`. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The gRPC transport: every method of GRPC_METHODS, plus health and reflection. */
export async function startGrpcServer(port: number, host: string, deps: GrpcServerDeps): Promise<RunningGrpcServer> {
  const definition = loadAdminProtos();
  const loaded = loadPackageDefinition(definition);
  const server = new Server();
  const services = new Set(GRPC_METHODS.map((method) => method.service));
  for (const service of services) {
    const constructor = lookup(loaded, `${ADMIN_PACKAGE}.${service}`);
    const implementation: UntypedServiceImplementation = {};
    for (const method of GRPC_METHODS.filter((m) => m.service === service)) implementation[method.method] = method.stream ? streamHandler(method, deps) : unaryHandler(method, deps);
    server.addService(constructor.service, implementation);
  }
  server.addService(lookup(loaded, 'grpc.health.v1.Health').service, healthService([...services].map((service) => `${ADMIN_PACKAGE}.${service}`), deps.ready));
  new ReflectionService(definition as ConstructorParameters<typeof ReflectionService>[0]).addToServer(server);
  const bound = await new Promise<number>((resolveBind, reject) => server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolveBind(actual))));
  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolveClose) => {
        const force = setTimeout(() => server.forceShutdown(), 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolveClose();
        });
      }),
  };
}

function lookup(loaded: GrpcObject, name: string): ServiceClientConstructor {
  let node: unknown = loaded;
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`service ${name} is not in the admin protos`);
  return node as ServiceClientConstructor;
}

type Message = Record<string, unknown>;

function tokenOf(call: { metadata: Metadata }): string | null {
  const [value] = call.metadata.get('authorization');
  return bearerToken(value === undefined ? undefined : String(value));
}

function unaryHandler(method: GrpcMethod, deps: GrpcServerDeps): handleUnaryCall<Message, unknown> {
  return (call, callback) => {
    deps.runner
      .invoke({ operation: method.operation, input: method.input(call.request), token: tokenOf(call), transport: 'grpc' })
      .then(
        ({ result }) => callback(null, method.output(result as never)),
        (error: unknown) => callback(grpcError(error, deps.logger)),
      );
  };
}

function streamHandler(method: GrpcMethod, deps: GrpcServerDeps): handleServerStreamingCall<Message, unknown> {
  return (call) => {
    deps.runner.invoke({ operation: method.operation, input: method.input(call.request), token: tokenOf(call), transport: 'grpc' }).then(
      ({ result }) => {
        if (call.cancelled) return;
        const handle = deps.watches.watch((result as { rolloutId: string }).rolloutId, {
          progress: (rollout) => call.write(method.output(rollout as never)),
          end: () => call.end(),
        });
        call.on('cancelled', () => handle.close());
        call.on('close', () => handle.close());
      },
      (error: unknown) => call.emit('error', grpcError(error, deps.logger)),
    );
  };
}

import { Server, ServerCredentials, loadPackageDefinition, type GrpcObject, type handleServerStreamingCall, type handleUnaryCall, type Metadata, type ServiceClientConstructor, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import type { Logger } from '@roost/ports';
import type { TlsMaterial } from '@roost/platform-process';
import { bearerToken } from '../auth/api-tokens';
import type { OperationRunner } from '../operations/operation-runner';
import type { RolloutWatches } from '../watch/rollout-watch';
import { grpcError } from './grpc-errors';
import { healthService } from './grpc-health';
import { GRPC_METHODS, type GrpcMethod } from './grpc-methods';
import { addReflection } from './grpc-reflection';
import { ReloadableCertificates } from './grpc-tls';
import { ADMIN_PACKAGE, ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS } from './proto-files';

export function loadAdminProtos(): PackageDefinition {
  return loadSync(ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS);
}

export interface GrpcServerDeps {
  readonly runner: OperationRunner;
  readonly watches: RolloutWatches;
  readonly logger: Logger;
  readonly ready: () => Promise<boolean>;
  /** Serve TLS (mTLS with a client CA); null: plain text. */
  readonly tls: TlsMaterial | null;
  /** Largest request message (the HTTP API's largest body). */
  readonly maxMessageBytes: number;
}

export interface RunningGrpcServer {
  /** `host:port`. */
  readonly address: string;
  readonly port: number;
  /** New connections use these files (no-op without TLS). */
  reloadTls(material: TlsMaterial): void;
  close(): Promise<void>;
}

/** The gRPC transport: every method of GRPC_METHODS, plus health and reflection. */
export async function startGrpcServer(port: number, host: string, deps: GrpcServerDeps): Promise<RunningGrpcServer> {
  const definition = loadAdminProtos();
  const loaded = loadPackageDefinition(definition);
  const server = new Server({ 'grpc.max_receive_message_length': deps.maxMessageBytes });
  const services = new Set(GRPC_METHODS.map((method) => method.service));
  for (const service of services) {
    const constructor = lookup(loaded, `${ADMIN_PACKAGE}.${service}`);
    const implementation: UntypedServiceImplementation = {};
    for (const method of GRPC_METHODS.filter((m) => m.service === service)) implementation[method.method] = method.stream ? streamHandler(method, deps) : unaryHandler(method, deps);
    server.addService(constructor.service, implementation);
  }
  server.addService(lookup(loaded, 'grpc.health.v1.Health').service, healthService([...services].map((service) => `${ADMIN_PACKAGE}.${service}`), deps.ready));
  addReflection(server, definition);
  const certificates = deps.tls === null ? null : new ReloadableCertificates(deps.tls);
  const credentials = certificates === null ? ServerCredentials.createInsecure() : certificates.credentials();
  const bound = await new Promise<number>((resolveBind, reject) => server.bindAsync(`${host}:${port}`, credentials, (error, actual) => (error ? reject(error) : resolveBind(actual))));
  return {
    reloadTls: (material) => certificates?.update(material),
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

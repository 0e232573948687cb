import type { handleServerStreamingCall, handleUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';

type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

const WATCH_INTERVAL_MS = 5_000;

/**
 * `grpc.health.v1.Health`: the empty name (the whole server) and each served service are
 * SERVING while `ready()` holds; an unknown name is NOT_FOUND on Check and SERVICE_UNKNOWN on
 * Watch, as the protocol says. Needs no token (load balancers and probes call it).
 */
export function healthService(services: readonly string[], ready: () => Promise<boolean>): UntypedServiceImplementation {
  const known = new Set(['', ...services]);
  const statusOf = async (service: string): Promise<ServingStatus> => (!known.has(service) ? 'SERVICE_UNKNOWN' : (await ready()) ? 'SERVING' : 'NOT_SERVING');
  return {
    Check: ((call, callback) => {
      const service = call.request.service ?? '';
      statusOf(service).then(
        (serving) => (serving === 'SERVICE_UNKNOWN' ? callback({ code: status.NOT_FOUND, details: `unknown service ${service}` }) : callback(null, { status: serving })),
        (error: unknown) => callback({ code: status.INTERNAL, details: String(error) }),
      );
    }) satisfies handleUnaryCall<{ service?: string }, unknown>,
    List: ((_call, callback) => {
      ready().then(
        (up) => callback(null, { statuses: Object.fromEntries([...known].map((name) => [name, { status: up ? 'SERVING' : 'NOT_SERVING' }])) }),
        (error: unknown) => callback({ code: status.INTERNAL, details: String(error) }),
      );
    }) satisfies handleUnaryCall<unknown, unknown>,
    Watch: ((call) => {
      const service = call.request.service ?? '';
      let last: ServingStatus | null = null;
      const send = async (): Promise<void> => {
        const serving = await statusOf(service).catch((): ServingStatus => 'NOT_SERVING');
        if (serving !== last && !call.cancelled) call.write({ status: serving });
        last = serving;
      };
      void send();
      const timer = setInterval(() => void send(), WATCH_INTERVAL_MS);
      call.on('cancelled', () => clearInterval(timer));
      call.on('close', () => clearInterval(timer));
    }) satisfies handleServerStreamingCall<{ service?: string }, unknown>,
  };
}

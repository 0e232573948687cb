import { ExportLogsServiceRequest, ExportLogsServiceResponse, ExportMetricsServiceRequest, ExportMetricsServiceResponse, type ExportLogsServiceRequestInit, type ExportMetricsServiceRequestInit } from './otlp-types';

/** The two encodings OTLP/HTTP defines for a body: binary protobuf and its JSON mapping. */
export type OtlpEncoding = 'protobuf' | 'json';

export type TelemetryErrorCode = 'otlp.unsupported_media_type' | 'otlp.malformed';

/** A request body that is not an OTLP export; the receiver answers it with a 4xx and goes on. */
export class TelemetryError extends Error {
  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TelemetryError';
  }
}

/** The encoding a Content-Type names (parameters ignored); throws `otlp.unsupported_media_type` for any other. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new TelemetryError('otlp.unsupported_media_type', `Content-Type ${JSON.stringify(contentType ?? '')} is not an OTLP encoding; send application/x-protobuf or application/json`);
}

/** What decoding and encoding need of a generated OTLP message type. */
interface OtlpMessageType<Message, Init> {
  decode(body: Uint8Array): Message;
  fromObject(object: Record<string, unknown>): Message;
  encode(message: Init): { finish(): Uint8Array };
  toObject(message: Message, options: { longs: typeof String }): Record<string, unknown>;
}

/**
 * Decodes an export request. Contract: throws TelemetryError and nothing else, whatever the
 * bytes: a malformed body must never take the receiver down. Unknown fields are dropped.
 */
function decodeRequest<Message, Init>(type: OtlpMessageType<Message, Init>, what: string, body: Uint8Array, encoding: OtlpEncoding): Message {
  try {
    if (encoding === 'protobuf') return type.decode(body);
    const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('the body is not a JSON object');
    // OTLP's JSON mapping is protobuf's (lowerCamelCase keys, 64-bit integers as strings or numbers, enums as numbers).
    return type.fromObject(json as Record<string, unknown>);
  } catch (cause) {
    throw new TelemetryError('otlp.malformed', `not an OTLP ${what} export (${encoding}): ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function encodeRequest<Message, Init>(type: OtlpMessageType<Message, Init>, request: Init, encoding: OtlpEncoding): Uint8Array {
  if (encoding === 'protobuf') return type.encode(request).finish();
  return new TextEncoder().encode(JSON.stringify(type.toObject(type.fromObject(request as Record<string, unknown>), { longs: String })));
}

export function decodeMetricsRequest(body: Uint8Array, encoding: OtlpEncoding): ExportMetricsServiceRequest {
  return decodeRequest(ExportMetricsServiceRequest, 'metrics', body, encoding);
}

export function decodeLogsRequest(body: Uint8Array, encoding: OtlpEncoding): ExportLogsServiceRequest {
  return decodeRequest(ExportLogsServiceRequest, 'logs', body, encoding);
}

/** The success answer, in the request's encoding: an empty ExportMetricsServiceResponse. */
export function encodeMetricsResponse(encoding: OtlpEncoding): Uint8Array {
  return encoding === 'protobuf' ? ExportMetricsServiceResponse.encode({}).finish() : new TextEncoder().encode('{}');
}

/** The success answer, in the request's encoding: an empty ExportLogsServiceResponse. */
export function encodeLogsResponse(encoding: OtlpEncoding): Uint8Array {
  return encoding === 'protobuf' ? ExportLogsServiceResponse.encode({}).finish() : new TextEncoder().encode('{}');
}

/** For tests and the fleet simulator: a request as bytes. */
export function encodeMetricsRequest(request: ExportMetricsServiceRequestInit, encoding: OtlpEncoding): Uint8Array {
  return encodeRequest(ExportMetricsServiceRequest, request, encoding);
}

/** For tests: a logs export as bytes. */
export function encodeLogsRequest(request: ExportLogsServiceRequestInit, encoding: OtlpEncoding): Uint8Array {
  return encodeRequest(ExportLogsServiceRequest, request, encoding);
}

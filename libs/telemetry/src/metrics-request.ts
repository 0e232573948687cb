import { ExportMetricsServiceRequest, ExportMetricsServiceResponse, type ExportMetricsServiceRequestInit } from './otlp-types';

/** The two encodings OTLP/HTTP defines for a body: binary protobuf and its JSON mapping. */
export type OtlpEncoding = 'protobuf' | 'json';

export type TelemetryErrorCode = 'otlp.unsupported_media_type' | 'otlp.malformed';

/** A request body that is not an OTLP metrics export; the receiver answers it with a 4xx and goes on. */
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

/**
 * Decodes an export request. Contract: throws TelemetryError and nothing else, whatever the
 * bytes: a malformed body must never take the receiver down. Unknown fields are dropped.
 */
export function decodeMetricsRequest(body: Uint8Array, encoding: OtlpEncoding): ExportMetricsServiceRequest {
  try {
    if (encoding === 'protobuf') return ExportMetricsServiceRequest.decode(body);
    const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('the body is not a JSON object');
    // OTLP's JSON mapping is protobuf's (lowerCamelCase keys, 64-bit integers as strings or numbers, enums as numbers).
    return ExportMetricsServiceRequest.fromObject(json as Record<string, unknown>);
  } catch (cause) {
    throw new TelemetryError('otlp.malformed', `not an OTLP metrics export (${encoding}): ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** The success answer, in the request's encoding: an empty ExportMetricsServiceResponse. */
export function encodeMetricsResponse(encoding: OtlpEncoding): Uint8Array {
  return encoding === 'protobuf' ? ExportMetricsServiceResponse.encode({}).finish() : new TextEncoder().encode('{}');
}

/** For tests and the fleet simulator: a request as bytes. */
export function encodeMetricsRequest(request: ExportMetricsServiceRequestInit, encoding: OtlpEncoding): Uint8Array {
  if (encoding === 'protobuf') return ExportMetricsServiceRequest.encode(request).finish();
  return new TextEncoder().encode(JSON.stringify(ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.fromObject(request as Record<string, unknown>), { longs: String })));
}

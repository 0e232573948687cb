import type { StreamDeclaration } from '@roost/contracts';
import { findBySubject, PortError } from '@roost/ports';

/** The declared stream that stores `subjectOrFilter`, or PortError `unknown_stream`. */
export function streamFor(streams: readonly StreamDeclaration[], subjectOrFilter: string): StreamDeclaration {
  const stream = findBySubject(streams, subjectOrFilter);
  if (!stream) throw new PortError('unknown_stream', `no declared stream stores ${subjectOrFilter}`);
  return stream;
}

export function declaredStream(streams: readonly StreamDeclaration[], name: string): StreamDeclaration {
  const stream = streams.find((s) => s.name === name);
  if (!stream) throw new PortError('unknown_stream', `stream ${name} is not declared`);
  return stream;
}

/**
 * Builds fully populated messages of any protobuf-es message type by walking its descriptor,
 * so the wire-compatibility test covers every field of the official schema without naming
 * them. The strategy mirrors the opamp-go fixtures recorder (an independent implementation):
 * every field non-default (large varints, negative int64, fixed64 near 2^64, multi-byte
 * UTF-8), repeated KeyValue/AnyValue fields with one element per AnyValue choice plus an
 * empty one, other repeated fields with two elements, maps with a single entry (so entry
 * order never matters), a recursive type at most twice on one path, and `variant` choosing
 * the oneof case (variant = number of cases: none).
 */
import { ScalarType, create, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';

const MAX_OCCURRENCES = 2;
const ANY_VALUE_VARIANTS = 8;

export function fillMessage(desc: DescMessage, variant = 0, path: Map<string, number> = new Map()): Message {
  const message = create(desc) as unknown as Record<string, unknown>;
  path.set(desc.typeName, (path.get(desc.typeName) ?? 0) + 1);
  for (const field of desc.fields) {
    if (field.oneof) {
      const cases = field.oneof.fields;
      const chosen = cases[variant % (cases.length + 1)];
      if (chosen !== field || !allowed(field, path)) continue;
      message[field.oneof.localName] = { case: field.localName, value: fieldValue(field, variant, path) };
      continue;
    }
    if (!allowed(field, path)) continue;
    message[field.localName] = fieldValue(field, variant, path);
  }
  path.set(desc.typeName, (path.get(desc.typeName) ?? 1) - 1);
  return message as unknown as Message;
}

function allowed(field: DescField, path: Map<string, number>): boolean {
  const nested = field.message;
  return !nested || (path.get(nested.typeName) ?? 0) < MAX_OCCURRENCES;
}

function fieldValue(field: DescField, variant: number, path: Map<string, number>): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      return scalar(field.scalar, field, variant);
    case 'enum':
      return enumValue(field.enum.values.map((value) => value.number), variant);
    case 'message':
      return fillMessage(field.message, variant, path);
    case 'list': {
      const length = field.listKind === 'message' && ['KeyValue', 'AnyValue'].includes(field.message.name) ? ANY_VALUE_VARIANTS : 2;
      return Array.from({ length }, (_, element) => {
        if (field.listKind === 'message') return fillMessage(field.message, element, path);
        if (field.listKind === 'enum') return enumValue(field.enum.values.map((value) => value.number), element);
        return scalar(field.scalar, field, element);
      });
    }
    case 'map': {
      const key = `key-${field.number}-é`;
      if (field.mapKind === 'message') return { [key]: fillMessage(field.message, variant, path) };
      if (field.mapKind === 'enum') return { [key]: enumValue(field.enum.values.map((value) => value.number), variant) };
      return { [key]: scalar(field.scalar, field, variant) };
    }
  }
}

function enumValue(numbers: number[], n: number): number {
  // A non-zero value where the enum has one (CommandType has only its default).
  return numbers.length === 1 ? numbers[0]! : numbers[1 + (n % (numbers.length - 1))]!;
}

function scalar(type: ScalarType, field: DescField, n: number): unknown {
  const number = BigInt(field.number);
  switch (type) {
    case ScalarType.BOOL:
      return true;
    case ScalarType.STRING:
      return `${field.name}-${n}-é✓`;
    case ScalarType.BYTES:
      return Uint8Array.of(field.number, 0x00, 0xff, 0x80, n);
    case ScalarType.INT64:
      return -(2n ** 62n) - number * 10n - BigInt(n);
    case ScalarType.UINT64:
      return 2n ** 63n + number * 10n + BigInt(n);
    case ScalarType.FIXED64:
      return 2n ** 64n - 1n - number * 10n - BigInt(n);
    case ScalarType.DOUBLE:
      return field.number + 0.25 + n;
    case ScalarType.FLOAT:
    case ScalarType.INT32:
    case ScalarType.UINT32:
    case ScalarType.SINT32:
    case ScalarType.SINT64:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.SFIXED64:
      throw new Error(`${field.toString()}: scalar type ${type} is not used by OpAMP`);
  }
}

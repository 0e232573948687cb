import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import * as descriptor from 'protobufjs/ext/descriptor';

interface FieldDescriptor {
  name?: string;
  jsonName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
  label?: number;
  type?: number;
  typeName?: string;
}
interface MessageDescriptor {
  name?: string;
  field?: FieldDescriptor[];
  nestedType?: MessageDescriptor[];
  oneofDecl?: { name?: string }[];
  enumType?: { name?: string }[];
  options?: { mapEntry?: boolean } | null;
}
interface FileDescriptor {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: MessageDescriptor[];
  enumType?: { name?: string }[];
  service?: { method?: { inputType?: string; outputType?: string }[] }[];
}

const LABEL_REPEATED = 3;
const TYPE_MESSAGE = 11;

/** protoc's name for a map field's entry message: `non_identifying` → `NonIdentifyingEntry`. */
export function mapEntryName(field: string): string {
  return `${field.replace(/(^|_)(.)/g, (_match, _underscore: string, letter: string) => letter.toUpperCase())}Entry`;
}

/** protoc's JSON name of a field: `create_time` → `createTime`. */
export function jsonName(field: string): string {
  return field.replace(/_(.)/g, (_match, letter: string) => letter.toUpperCase()).replace(/_/g, '');
}

/** Each message of a file with its full name (`.pkg.Outer.Inner`), nested ones included. */
function* messagesOf(file: FileDescriptor): Generator<[string, MessageDescriptor]> {
  const walk = function* (message: MessageDescriptor, scope: string): Generator<[string, MessageDescriptor]> {
    const fullName = `${scope}.${message.name ?? ''}`;
    yield [fullName, message];
    for (const nested of message.nestedType ?? []) yield* walk(nested, fullName);
  };
  for (const message of file.messageType ?? []) yield* walk(message, file.package ? `.${file.package}` : '');
}

/** Map entries named as protoc names them (protobufjs raises the field name's first letter and drops `Entry`). */
function renameMapEntries(file: FileDescriptor): void {
  for (const [, message] of messagesOf(file)) {
    for (const field of message.field ?? []) {
      if (field.label !== LABEL_REPEATED || field.type !== TYPE_MESSAGE || field.name === undefined) continue;
      const entry = (message.nestedType ?? []).find((type) => type.options?.mapEntry === true && type.name === field.typeName);
      if (entry === undefined) continue;
      entry.name = mapEntryName(field.name);
      field.typeName = entry.name;
    }
  }
}

/** Resolves a type name as protoc does: relative names from the innermost scope outwards. */
function resolve(name: string, scope: string, symbols: ReadonlyMap<string, FileDescriptor>): string {
  if (name.startsWith('.')) return name;
  for (let at = scope; ; at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
    const candidate = `${at}.${name}`;
    if (symbols.has(candidate)) return candidate;
    if (at === '') return name;
  }
}

/**
 * The package definition's files as strict readers accept them. @grpc/proto-loader describes
 * what it loaded through protobufjs, which (a) names map entry messages unlike protoc, (b)
 * refers to types by relative names and (c) lists no imports. Go's protodesc (so grpcurl)
 * refuses the first ("invalid map: incorrect implicit map entry name") and cannot resolve
 * types of other files without the last; protobufjs also gives fields their own names as JSON
 * names (keepCase) and drops `proto3_optional`. This renames map entries, writes every reference
 * as a full name, lists each file's imports, sets protoc's JSON names (`create_time` →
 * `createTime`) and marks `optional` fields as such.
 */
export function fixFileDescriptors(files: readonly Uint8Array[]): Buffer[] {
  const type = descriptor.FileDescriptorProto;
  const decoded = files.map((bytes) => type.decode(bytes) as unknown as FileDescriptor);
  const symbols = new Map<string, FileDescriptor>();
  for (const file of decoded) {
    renameMapEntries(file);
    const scope = file.package ? `.${file.package}` : '';
    for (const [fullName, message] of messagesOf(file)) {
      symbols.set(fullName, file);
      for (const nested of message.enumType ?? []) symbols.set(`${fullName}.${nested.name}`, file);
    }
    for (const enumType of file.enumType ?? []) symbols.set(`${scope}.${enumType.name}`, file);
  }
  for (const file of decoded) {
    const scope = file.package ? `.${file.package}` : '';
    const imports = new Set<string>();
    const qualify = (name: string | undefined, from: string): string | undefined => {
      if (name === undefined || name === '') return name;
      const full = resolve(name, from, symbols);
      const owner = symbols.get(full);
      if (owner !== undefined && owner !== file && owner.name !== undefined) imports.add(owner.name);
      return full;
    };
    for (const [fullName, message] of messagesOf(file)) {
      for (const field of message.field ?? []) {
        if (field.typeName) field.typeName = qualify(field.typeName, fullName);
        if (field.name !== undefined) field.jsonName = jsonName(field.name);
        // `optional` fields: protobufjs keeps their synthetic oneof `_<name>` but not the flag that says so.
        const oneof = Object.prototype.hasOwnProperty.call(field, 'oneofIndex') ? message.oneofDecl?.[field.oneofIndex ?? -1] : undefined;
        if (oneof !== undefined && oneof.name === `_${field.name}`) field.proto3Optional = true;
      }
    }
    for (const service of file.service ?? []) {
      for (const method of service.method ?? []) {
        method.inputType = qualify(method.inputType, scope);
        method.outputType = qualify(method.outputType, scope);
      }
    }
    file.dependency = [...imports].sort();
  }
  return decoded.map((file) => Buffer.from(type.encode(file as never).finish()));
}

/**
 * Server reflection (grpc.reflection.v1 and v1alpha) over the package definition's files,
 * fixed once (every definition shares the same file list).
 */
export function addReflection(server: Server, definition: PackageDefinition): void {
  const fixed = new Map<Buffer, Buffer>();
  const fixedDefinition: PackageDefinition = {};
  for (const [name, entry] of Object.entries(definition)) {
    const files = (entry as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
    if (files !== undefined && files.some((bytes) => !fixed.has(bytes))) {
      const rewritten = fixFileDescriptors(files);
      files.forEach((bytes, index) => fixed.set(bytes, rewritten[index] ?? bytes));
    }
    fixedDefinition[name] = files === undefined ? entry : ({ ...entry, fileDescriptorProtos: files.map((bytes) => fixed.get(bytes) ?? bytes) } as PackageDefinition[string]);
  }
  new ReflectionService(fixedDefinition as ConstructorParameters<typeof ReflectionService>[0]).addToServer(server);
}

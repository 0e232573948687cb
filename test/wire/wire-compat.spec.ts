/**
 * Wire compatibility of Roost's hand-written OpAMP .proto files with encoders generated from
 * the official schema, not ours:
 *  (a) @elastic/opamp-client-node's protobuf-es code (spec v0.12.0), driven in-process;
 *  (b) binary fixtures recorded with opamp-go v0.23.0's protobufs (spec v0.16.0), see
 *      test/interop/opamp-go/fixtures-recorder.
 * Each official encoding is decoded with our generated code and re-encoded: the bytes must be
 * identical (a wrong field number or wire type drops the field, which changes the bytes), and
 * the values must agree field by field, by name (which catches two same-typed fields with
 * swapped numbers).
 */
import { equals, fromBinary, toBinary, toJson, type DescMessage } from '@bufbuild/protobuf';
import { file_anyvalue } from '@elastic/opamp-client-node/lib/generated/anyvalue_pb';
import { file_opamp } from '@elastic/opamp-client-node/lib/generated/opamp_pb';
import * as roost from '@roost/opamp';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillMessage } from './protobuf-es-filler';

/** The static API every message class of our generated code has. */
interface OurMessageType {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  toObject(message: object, options: { longs: StringConstructor; bytes: StringConstructor; enums: StringConstructor; json: boolean }): object;
}

const ourTypes = roost as unknown as Record<string, OurMessageType | undefined>;
const ourMessageNames = Object.keys(ourTypes)
  .filter((name) => ['decode', 'encode', 'toObject'].every((method) => typeof (ourTypes[name] as unknown as Record<string, unknown>)[method] === 'function'))
  .sort();

function ourType(name: string): OurMessageType {
  const type = ourTypes[name];
  if (!type || typeof type.decode !== 'function') throw new Error(`our schema has no message ${name}`);
  return type;
}

/** Values by JSON field name, in the proto3 JSON mapping both sides implement. */
function ourJson(type: OurMessageType, message: object): unknown {
  return JSON.parse(JSON.stringify(type.toObject(message, { longs: String, bytes: String, enums: String, json: true })));
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const elasticMessages: DescMessage[] = [...file_anyvalue.messages, ...file_opamp.messages];

function variantsOf(desc: DescMessage): number[] {
  const cases = desc.oneofs[0]?.fields.length ?? 0;
  return Array.from({ length: cases + 1 }, (_, variant) => variant);
}

describe('wire compatibility with @elastic/opamp-client-node (protobuf-es, spec v0.12.0)', () => {
  const cases = elasticMessages.flatMap((desc) => variantsOf(desc).map((variant) => [`${desc.name} (variant ${variant})`, desc, variant] as const));

  it('covers every message type of ours but the three added after spec v0.12.0', () => {
    const theirs = new Set(elasticMessages.map((desc) => desc.name));
    expect(ourMessageNames).toHaveLength(41);
    expect(theirs.size).toBe(38);
    expect(ourMessageNames.filter((name) => !theirs.has(name))).toEqual(['ConnectionSettingsStatus', 'ProxyConnectionSettings', 'TLSConnectionSettings']);
  });

  it.each(cases)('%s: their bytes decode with ours and re-encode byte for byte', (_, desc, variant) => {
    // given a fully populated message encoded by protobuf-es
    const theirs = fillMessage(desc, variant);
    const theirBytes = toBinary(desc, theirs);
    // when our generated code decodes and re-encodes it
    const type = ourType(desc.name);
    const ours = type.decode(theirBytes);
    const ourBytes = type.encode(ours).finish();
    // then
    expect(hex(ourBytes)).toBe(hex(theirBytes));
    expect(ourJson(type, ours)).toEqual(toJson(desc, theirs));
    expect(equals(desc, fromBinary(desc, ourBytes), theirs)).toBe(true);
  });

  it('populates every field of every message (except the default-only CommandType)', () => {
    const unset = elasticMessages.flatMap((desc) => {
      const json = variantsOf(desc).map((variant) => toJson(desc, fillMessage(desc, variant)) as Record<string, unknown>);
      return desc.fields.filter((field) => json.every((one) => !(field.jsonName in one))).map((field) => `${desc.name}.${field.name}`);
    });
    expect(unset).toEqual(['ServerToAgentCommand.type']);
  });
});

interface Fixture {
  readonly file: string;
  readonly message: string;
  readonly choice?: string;
}

const fixturesDir = join(__dirname, '../interop/fixtures/opamp-go');
const manifest = JSON.parse(readFileSync(join(fixturesDir, 'manifest.json'), 'utf8')) as Fixture[];
// All-default messages encode to 0 bytes: an empty AgentDisconnect, an AnyValue meaning null,
// a command whose only field holds CommandType's only (default) value.
const EMPTY_BY_NATURE = ['AgentDisconnect', 'AnyValue.none', 'ServerToAgentCommand'];

describe('wire compatibility with opamp-go v0.23.0 (recorded fixtures, spec v0.16.0)', () => {
  it.each(manifest.map((fixture) => [fixture.file, fixture] as const))('%s: decodes with ours and re-encodes byte for byte', (_, fixture) => {
    // given bytes encoded by opamp-go's generated code
    const goBytes = new Uint8Array(readFileSync(join(fixturesDir, `${fixture.file}.bin`)));
    const goJson: unknown = JSON.parse(readFileSync(join(fixturesDir, `${fixture.file}.json`), 'utf8'));
    expect(goBytes.length > 0).toBe(!EMPTY_BY_NATURE.includes(fixture.file));
    // when
    const type = ourType(fixture.message);
    const ours = type.decode(goBytes);
    // then
    expect(hex(type.encode(ours).finish())).toBe(hex(goBytes));
    expect(ourJson(type, ours)).toEqual(goJson);
  });

  it('has a fixture for every message type of ours', () => {
    expect([...new Set(manifest.map((fixture) => fixture.message))].sort()).toEqual(ourMessageNames);
  });

  it('covers the fields newer than the Elastic schema (connection settings status, TLS, proxy)', () => {
    const json = (file: string) => JSON.parse(readFileSync(join(fixturesDir, `${file}.json`), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json('AgentToServer'))).toContain('connectionSettingsStatus');
    expect(Object.keys(json('OtherConnectionSettings'))).toEqual(expect.arrayContaining(['tls', 'proxy']));
    expect(Object.keys(json('TelemetryConnectionSettings'))).toEqual(expect.arrayContaining(['tls', 'proxy']));
    expect(Object.keys(json('OpAMPConnectionSettings'))).toEqual(expect.arrayContaining(['heartbeatIntervalSeconds', 'tls', 'proxy']));
  });
});

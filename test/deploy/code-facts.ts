/**
 * What the `roost` binary defines, read from its source: the settings table (flags, variables,
 * defaults), the service names, and the HTTP paths each service serves. The test tier may not
 * import an app, so the two tables are read from the TypeScript syntax tree.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { TOPOLOGY_SETTINGS } from '@roost/contracts';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface Setting {
  readonly name: string;
  readonly env: string;
  readonly kind: string;
  readonly fallback: string | undefined;
}

/** Reads an exported `const` initializer of a source file, under its `as const` / `satisfies`. */
function exportedConst(file: string, name: string): ts.Expression {
  const source = ts.createSourceFile(file, readFileSync(join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
        let expression: ts.Expression = declaration.initializer;
        while (ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isParenthesizedExpression(expression)) expression = expression.expression;
        return expression;
      }
    }
  }
  throw new Error(`${file} exports no const ${name}`);
}

function stringProperty(object: ts.ObjectLiteralExpression, key: string): string | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === key && ts.isStringLiteral(property.initializer)) {
      return property.initializer.text;
    }
  }
  return undefined;
}

/** SETTINGS of services/all-in-one/src/settings-table.ts (the test tier may not import an app). */
function readSettings(): Map<string, Setting> {
  const table = exportedConst('services/all-in-one/src/settings-table.ts', 'SETTINGS');
  if (!ts.isObjectLiteralExpression(table)) throw new Error('SETTINGS is not an object literal');
  const byEnv = new Map<string, Setting>();
  for (const property of table.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name) || !ts.isObjectLiteralExpression(property.initializer)) continue;
    const spec = property.initializer;
    const env = stringProperty(spec, 'env');
    const kind = stringProperty(spec, 'kind');
    if (env === undefined || kind === undefined) throw new Error(`setting ${property.name.text} has no env or kind`);
    byEnv.set(env, { name: property.name.text, env, kind, fallback: stringProperty(spec, 'fallback') });
  }
  // The NATS topology settings every service reads, listed by the binary's --help too.
  for (const spec of TOPOLOGY_SETTINGS) byEnv.set(spec.env, { name: spec.flag, env: spec.env, kind: 'text', fallback: spec.fallback });
  return byEnv;
}

/** SERVICE_NAMES of services/all-in-one/src/command-line.ts. */
function readServiceNames(): string[] {
  const names = exportedConst('services/all-in-one/src/command-line.ts', 'SERVICE_NAMES');
  if (!ts.isArrayLiteralExpression(names)) throw new Error('SERVICE_NAMES is not an array literal');
  return names.elements.map((element) => {
    if (!ts.isStringLiteral(element)) throw new Error('SERVICE_NAMES holds a non-string');
    return element.text;
  });
}

export const SETTINGS = readSettings();
export const SERVICE_NAMES = readServiceNames();

/** Which port settings each service listens on; the first one serves its HTTP probes. */
export const PORT_SETTINGS: Record<string, readonly string[]> = {
  gateway: ['GATEWAY_PORT'],
  projector: ['PROJECTOR_PORT'],
  'admin-api': ['ADMIN_HTTP_PORT', 'ADMIN_GRPC_PORT'],
  orchestrator: [],
};

export function defaultPort(env: string): number {
  const setting = SETTINGS.get(env);
  if (setting === undefined || setting.kind !== 'port') throw new Error(`${env} is not a port setting of the roost binary`);
  return Number(setting.fallback);
}

/** The ports a service listens on, given the variables its container sets. */
export function portsOf(service: string, env: Readonly<Record<string, string>>): number[] {
  return (PORT_SETTINGS[service] ?? []).map((name) => Number(env[name] ?? defaultPort(name)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** True when the service's own code names this HTTP path (a probe path that exists). */
export function serviceServesPath(service: string, path: string): boolean {
  return sourceFiles(join(REPO_ROOT, 'services', service, 'src')).some((file) => readFileSync(file, 'utf8').includes(`'${path}'`));
}

import { configNameHistoryContract, type ConfigNameHistory } from '@roost/contracts';
import { operation, type Operation } from './operation';
import type { OperationDeps } from './operation-deps';
import { configNameInputSchema, configRefSchema, createConfigSchema, diffConfigsSchema, pageSchema } from './request-schemas';

const NAME_PREFIX = 'name.';

export interface ConfigListItem {
  readonly name: string;
  readonly versions: number;
  readonly latestVersion: number;
  readonly latestHash: string;
  readonly updatedAt: number;
}

/** Config versions: stored and validated by the orchestrator; names listed from the `configs` bucket. */
export function configOperations(deps: OperationDeps): Operation[] {
  return [
    operation({
      name: 'config.create',
      permission: 'write',
      input: createConfigSchema,
      run: (input, context) => deps.orchestrator.createConfig({ name: input.name, yaml: input.yaml, actor: context.caller.name }),
      subjectOf: (input) => input.name,
    }),
    operation({
      name: 'config.list',
      permission: 'read',
      input: pageSchema,
      run: async (input) => {
        const bucket = await deps.configs();
        const names = (await bucket.keys()).filter((key) => key.startsWith(NAME_PREFIX)).sort();
        const offset = input.offset ?? 0;
        const page = names.slice(offset, offset + (input.limit ?? 100));
        const histories = await Promise.all(page.map(async (key) => bucket.get(key)));
        const items = histories.flatMap((entry) => (entry === null ? [] : [listItem(configNameHistoryContract.decode(entry.value))]));
        return { total: names.length, offset, items };
      },
    }),
    operation({ name: 'config.get', permission: 'read', input: configRefSchema, run: (input) => deps.orchestrator.getConfig(input.ref) }),
    operation({ name: 'config.versions', permission: 'read', input: configNameInputSchema, run: (input) => deps.orchestrator.configHistory(input.name) }),
    operation({ name: 'config.diff', permission: 'read', input: diffConfigsSchema, run: (input) => deps.orchestrator.diffConfigs(input.from, input.to) }),
  ];
}

function listItem(history: ConfigNameHistory): ConfigListItem {
  const latest = history.versions[history.versions.length - 1];
  return { name: history.name, versions: history.versions.length, latestVersion: latest?.version ?? 0, latestHash: latest?.hash ?? '', updatedAt: latest?.createdAt ?? 0 };
}

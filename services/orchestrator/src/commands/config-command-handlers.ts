import {
  configCreateReplyContract,
  configCreateRequestContract,
  configDiffReplyContract,
  configDiffRequestContract,
  configGetReplyContract,
  configGetRequestContract,
  configHistoryReplyContract,
  configHistoryRequestContract,
  subjects,
  type StoredConfig,
} from '@roost/contracts';
import { collectorYamlOf, diffConfigVersions } from '@roost/config-versions';
import type { Logger } from '@roost/ports';
import type { ConfigStore } from '../configs/config-store';
import { OrchestratorError } from '../orchestrator-error';
import { commandHandler } from './command-reply';
import type { CommandRoute } from './command-server';

/** `config.cmd.<verb>`: create (validated), get, history and diff of config versions. */
export function configCommandRoutes(configs: ConfigStore, logger: Logger): CommandRoute[] {
  const load = async (ref: string): Promise<{ hash: string; stored: StoredConfig; yaml: string }> => {
    const hash = await configs.resolve(ref);
    const stored = await configs.get(hash);
    const yaml = stored === null ? null : collectorYamlOf(stored);
    if (stored === null || yaml === null) throw new OrchestratorError('config.not_found', `config version ${ref} holds no collector YAML`, { ref });
    return { hash, stored, yaml };
  };
  return [
    {
      subject: subjects.configCommand('create'),
      handle: commandHandler(configCreateRequestContract, configCreateReplyContract, async (request) => {
        const result = await configs.create(request.yaml, request.name, request.actor ?? null);
        logger.info({ hash: result.hash, name: request.name, version: result.version, created: result.created, actor: request.actor ?? null }, 'config version stored');
        return { ...result, name: request.name };
      }, logger),
    },
    {
      subject: subjects.configCommand('get'),
      handle: commandHandler(configGetRequestContract, configGetReplyContract, async (request) => {
        const { hash, stored, yaml } = await load(request.ref);
        return { hash, name: stored.name ?? null, createdAt: stored.createdAt, yaml };
      }, logger),
    },
    {
      subject: subjects.configCommand('history'),
      handle: commandHandler(configHistoryRequestContract, configHistoryReplyContract, async (request) => {
        const history = await configs.history(request.name);
        if (history === null) throw new OrchestratorError('config.not_found', `no config named ${request.name}; create one with config.cmd.create`, { name: request.name });
        return history;
      }, logger),
    },
    {
      subject: subjects.configCommand('diff'),
      handle: commandHandler(configDiffRequestContract, configDiffReplyContract, async (request) => {
        const [from, to] = await Promise.all([load(request.from), load(request.to)]);
        return diffConfigVersions({ hash: from.hash, yaml: from.yaml, label: request.from }, { hash: to.hash, yaml: to.yaml, label: request.to });
      }, logger),
    },
  ];
}

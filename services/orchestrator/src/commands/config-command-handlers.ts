import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
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
import type { ConfigStore } from '../configs/config-store';
import { OrchestratorError } from '../orchestrator-error';
import { ORCHESTRATOR_COMMAND_DEPS, type OrchestratorCommandDeps } from './command-deps';
import { answerCommand } from './command-reply';

/** `config.cmd.<verb>`: create (validated), get, history and diff of config versions. */
@Controller()
export class ConfigCommandsController {
  constructor(@Inject(ORCHESTRATOR_COMMAND_DEPS) private readonly deps: OrchestratorCommandDeps) {}

  @MessagePattern(subjects.configCommand('create'))
  create(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { configs, logger } = this.deps;
    return answerCommand(data, configCreateRequestContract, configCreateReplyContract, logger, async (request) => {
      const result = await configs.create(request.yaml, request.name, request.actor ?? null);
      logger.info({ hash: result.hash, name: request.name, version: result.version, created: result.created, actor: request.actor ?? null }, 'config version stored');
      return { ...result, name: request.name };
    });
  }

  @MessagePattern(subjects.configCommand('get'))
  get(@Payload() data: Uint8Array): Promise<Uint8Array> {
    return answerCommand(data, configGetRequestContract, configGetReplyContract, this.deps.logger, async (request) => {
      const { hash, stored, yaml } = await loadYaml(this.deps.configs, request.ref);
      return { hash, name: stored.name ?? null, createdAt: stored.createdAt, yaml };
    });
  }

  @MessagePattern(subjects.configCommand('history'))
  history(@Payload() data: Uint8Array): Promise<Uint8Array> {
    return answerCommand(data, configHistoryRequestContract, configHistoryReplyContract, this.deps.logger, async (request) => {
      const history = await this.deps.configs.history(request.name);
      if (history === null) throw new OrchestratorError('config.not_found', `no config named ${request.name}; store one with roost config push, or POST /api/v1/configs`, { name: request.name });
      return history;
    });
  }

  @MessagePattern(subjects.configCommand('diff'))
  diff(@Payload() data: Uint8Array): Promise<Uint8Array> {
    return answerCommand(data, configDiffRequestContract, configDiffReplyContract, this.deps.logger, async (request) => {
      const [from, to] = await Promise.all([loadYaml(this.deps.configs, request.from), loadYaml(this.deps.configs, request.to)]);
      return diffConfigVersions({ hash: from.hash, yaml: from.yaml, label: request.from }, { hash: to.hash, yaml: to.yaml, label: request.to });
    });
  }
}

/** A stored version by hash, name or name@version, with its collector YAML. */
async function loadYaml(configs: ConfigStore, ref: string): Promise<{ hash: string; stored: StoredConfig; yaml: string }> {
  const hash = await configs.resolve(ref);
  const stored = await configs.get(hash);
  const yaml = stored === null ? null : collectorYamlOf(stored);
  if (stored === null || yaml === null) throw new OrchestratorError('config.not_found', `config version ${ref} holds no collector YAML`, { ref });
  return { hash, stored, yaml };
}

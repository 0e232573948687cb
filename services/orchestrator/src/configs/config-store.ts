import { configNameHistoryContract, storedConfigContract, type ConfigCreateResult, type ConfigNameHistory, type StoredConfig } from '@roost/contracts';
import { appendVersion, checkCollectorConfig, configNameKey, isHashPrefix, matchHashPrefix, parseConfigRef, resolveVersion, storedCollectorConfig } from '@roost/config-versions';
import { KvConflictError, type KeyValueStore, type Subscription } from '@roost/ports';
import { OrchestratorError } from '../orchestrator-error';

const HASH_KEY = /^[0-9a-f]{64}$/;
const HISTORY_ATTEMPTS = 5;

/**
 * Config versions in the `configs` bucket: immutable entries keyed by content hash, plus one
 * `name.<name>` entry per name holding its version history (updated with compare-and-set).
 * It also keeps the set of stored hashes, watched, so "does Roost hold this version?" is a
 * lookup.
 */
export class ConfigStore {
  private readonly known = new Set<string>();
  private watch: Subscription | null = null;

  constructor(
    private readonly bucket: KeyValueStore,
    private readonly now: () => number,
  ) {}

  async start(): Promise<void> {
    this.watch = await this.bucket.watch(
      (entry) => {
        if (entry.operation === 'PUT' && HASH_KEY.test(entry.key)) this.known.add(entry.key);
      },
      { includeInitial: true },
    );
  }

  stop(): void {
    this.watch?.unsubscribe();
  }

  has(hash: string): boolean {
    return this.known.has(hash);
  }

  /**
   * The hash collector YAML would be stored under, storing nothing (a command that may still
   * be refused); refuses it with `config.invalid` listing every error.
   */
  hashOf(yaml: string): string {
    validated(yaml);
    return storedCollectorConfig(yaml, null, this.now()).hash;
  }

  /** Validates and stores collector YAML; refuses it with `config.invalid` listing every error. */
  async create(yaml: string, name: string | null, actor: string | null): Promise<Omit<ConfigCreateResult, 'name'> & { name: string | null }> {
    const check = validated(yaml);
    const stored = storedCollectorConfig(yaml, name, this.now());
    await this.store(stored);
    if (name === null) return { hash: stored.hash, name: null, version: 1, created: true, warnings: [...check.warnings] };
    const { version, created } = await this.addToHistory(name, stored.hash, actor);
    return { hash: stored.hash, name, version, created, warnings: [...check.warnings] };
  }

  async get(hash: string): Promise<StoredConfig | null> {
    const entry = await this.bucket.get(hash);
    return entry === null ? null : storedConfigContract.decode(entry.value);
  }

  async history(name: string): Promise<ConfigNameHistory | null> {
    const entry = await this.bucket.get(configNameKey(name));
    return entry === null ? null : configNameHistoryContract.decode(entry.value);
  }

  /**
   * The hash a reference names: a hash, an unambiguous hash prefix (8 characters or more, as
   * printed shortened), a name (its latest version) or name@version. A name wins over a prefix
   * spelling the same text. Refuses unknown and ambiguous ones.
   */
  async resolve(ref: string): Promise<string> {
    const parsed = parseConfigRef(ref);
    if (parsed === null) throw new OrchestratorError('config.invalid_ref', `"${ref}" is not a config reference; use a hash (or its first 8+ characters), a name, or name@version`, { ref });
    if (parsed.kind === 'hash') {
      if (!this.has(parsed.hash) && (await this.get(parsed.hash)) === null) throw notFound(ref);
      return parsed.hash;
    }
    const history = await this.history(parsed.name);
    if (history === null && parsed.version === null && isHashPrefix(ref)) return this.resolvePrefix(ref);
    const hash = history === null ? null : resolveVersion(history, parsed.version);
    if (hash === null) throw notFound(ref);
    return hash;
  }

  private resolvePrefix(prefix: string): string {
    const match = matchHashPrefix(prefix, this.known);
    switch (match.kind) {
      case 'unique':
        return match.hash;
      case 'none':
        throw notFound(prefix);
      case 'ambiguous': {
        const shown = match.hashes.slice(0, 5).map((hash) => hash.slice(0, prefix.length + 4));
        throw new OrchestratorError('config.invalid_ref', `${prefix} is the start of ${match.hashes.length} config versions (${shown.join(', ')}${match.hashes.length > 5 ? ', …' : ''}); give more characters of the hash`, { ref: prefix, matches: match.hashes });
      }
    }
  }

  private async store(stored: StoredConfig): Promise<void> {
    try {
      await this.bucket.create(stored.hash, storedConfigContract.encode(stored));
    } catch (error) {
      // Same hash, same content: the version exists already and stays as first written.
      if (!(error instanceof KvConflictError)) throw error;
    }
    this.known.add(stored.hash);
  }

  private async addToHistory(name: string, hash: string, actor: string | null): Promise<{ version: number; created: boolean }> {
    const key = configNameKey(name);
    for (let attempt = 1; ; attempt += 1) {
      const entry = await this.bucket.get(key);
      const current = entry === null ? null : configNameHistoryContract.decode(entry.value);
      const next = appendVersion(current, name, hash, this.now(), actor);
      if (!next.created) return next;
      try {
        const value = configNameHistoryContract.encode(next.history);
        if (entry === null) await this.bucket.create(key, value);
        else await this.bucket.update(key, value, entry.revision);
        return next;
      } catch (error) {
        if (!(error instanceof KvConflictError) || attempt >= HISTORY_ATTEMPTS) throw error;
      }
    }
  }
}

function validated(yaml: string): ReturnType<typeof checkCollectorConfig> {
  const check = checkCollectorConfig(yaml);
  if (check.errors.length > 0) {
    const [first] = check.errors;
    const more = check.errors.length > 1 ? ` (and ${check.errors.length - 1} more)` : '';
    throw new OrchestratorError('config.invalid', `config refused before any agent saw it: ${first?.message}${more}`, { errors: check.errors, warnings: check.warnings });
  }
  return check;
}

function notFound(ref: string): OrchestratorError {
  return new OrchestratorError('config.not_found', `no config version ${ref}; store it first (roost config push, or POST /api/v1/configs) or check the name, version or hash`, { ref });
}

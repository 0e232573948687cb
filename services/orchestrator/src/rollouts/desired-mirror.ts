import { desiredConfigContract, type DesiredConfig } from '@roost/contracts';
import type { KeyValueStore, Logger, Subscription } from '@roost/ports';

/**
 * A watched copy of `agent-desired`, so a new leader can compare what its event history
 * implies with what agents were told without reading every key.
 */
export class DesiredMirror {
  private readonly entries = new Map<string, DesiredConfig>();
  private watch: Subscription | null = null;

  constructor(
    private readonly bucket: KeyValueStore,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.watch = await this.bucket.watch(
      (entry) => {
        if (entry.operation !== 'PUT') {
          this.entries.delete(entry.key);
          return;
        }
        try {
          this.entries.set(entry.key, desiredConfigContract.decode(entry.value));
        } catch (error) {
          this.logger.warn({ agentId: entry.key, err: String(error) }, 'ignored an agent-desired entry that breaks its contract');
        }
      },
      { includeInitial: true },
    );
  }

  stop(): void {
    this.watch?.unsubscribe();
  }

  get(agentId: string): DesiredConfig | undefined {
    return this.entries.get(agentId);
  }

  /** Every entry held (the invariant checker reads them all). */
  all(): IterableIterator<[string, DesiredConfig]> {
    return this.entries.entries();
  }

  /** Records a write made by this process (the watch confirms it later). */
  remember(agentId: string, desired: DesiredConfig): void {
    this.entries.set(agentId, desired);
  }
}

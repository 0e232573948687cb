import { configNameHistoryContract, storedConfigContract, type ConfigNameHistory } from '@roost/contracts';
import { configNameKey } from '@roost/config-versions';
import type { KeyValueStore } from '@roost/ports';

const HASH = /^[0-9a-f]{64}$/;

/**
 * `name@version` of each config hash stored under a name (`configs` bucket): a read per hash and
 * one per name. Hashes Roost never stored (an agent's local config) and unnamed ones are left out.
 */
export async function configRefs(bucket: KeyValueStore, hashes: Iterable<string>): Promise<Record<string, string>> {
  const histories = new Map<string, Promise<ConfigNameHistory | null>>();
  const historyOf = (name: string): Promise<ConfigNameHistory | null> => {
    let history = histories.get(name);
    if (history === undefined) {
      history = bucket.get(configNameKey(name)).then((entry) => (entry === null ? null : configNameHistoryContract.decode(entry.value)));
      histories.set(name, history);
    }
    return history;
  };
  const refOf = async (hash: string): Promise<[string, string] | null> => {
    const entry = await bucket.get(hash);
    const name = entry === null ? undefined : storedConfigContract.decode(entry.value).name;
    if (name === undefined) return null;
    const version = (await historyOf(name))?.versions.findLast((v) => v.hash === hash)?.version;
    return version === undefined ? null : [hash, `${name}@${version}`];
  };
  const unique = [...new Set(hashes)].filter((hash) => HASH.test(hash));
  const refs = await Promise.all(unique.map(refOf));
  return Object.fromEntries(refs.filter((ref): ref is [string, string] => ref !== null));
}

/** util/ — tiny helpers shared across folders; nothing here knows about Calico. */

/** The value at `key`, created with `create` and stored first when absent. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

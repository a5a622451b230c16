/**
 * RemoteClusterRegistry: which remote clusters exist, in what state, and what of their data is
 * still owed a confirmation during a resync (spec federation.md A.2–A.3).
 *
 * A remote cluster exists while a valid RemoteClusterConfiguration in the local cluster names it.
 * Its status is set by whatever feeds its data (`Connecting` when first declared). Its data stays
 * while it is disconnected (`ConnectionFailed`), as Calico keeps last-known endpoints, unless a
 * time-to-live is configured (beyond Calico, as Cilium's cacheTTL). A resync is mark and sweep:
 * `beginResync` marks everything the cluster has, each re-sent resource is confirmed, and
 * `endResync` hands back what was not, to be deleted; what was re-sent unchanged makes no delta.
 *
 * Start-up gating, as Calico's: after the local data is in (`markLocalInSync`), the engine is in
 * sync once every cluster declared at that moment has synced or failed at least once; clusters
 * declared later never hold it back.
 *
 * Knows nothing about the engine: it stores keys (strings) and times, and answers questions.
 */
import type { RemoteClusterStatus } from "./rcc.js";

/** What `remoteClusters()` reports for each remote cluster. */
export interface RemoteClusterInfo {
  /** The cluster's name (its RemoteClusterConfiguration's). */
  readonly name: string;
  /** Current status. */
  readonly status: RemoteClusterStatus;
  /** The error text given with `ConnectionFailed` (or why the configuration is incomplete). */
  readonly error?: string;
  /** When the status last changed (milliseconds since the epoch, from the engine's clock). */
  readonly since: number;
  /** Workload and host endpoints currently held from the cluster. */
  readonly endpoints: number;
  /** Profiles (namespaces, service accounts) currently held from the cluster. */
  readonly profiles: number;
}

interface ClusterState {
  status: RemoteClusterStatus;
  error: string | undefined;
  since: number;
  /** Declared by a valid RemoteClusterConfiguration (an invalid one keeps the entry, with no data). */
  valid: boolean;
  /** During a resync: raw keys not yet re-sent. */
  unconfirmed: Set<string> | undefined;
  /** Reached InSync or ConnectionFailed at least once (for start-up gating). */
  settled: boolean;
  /** Its data was dropped for staying disconnected past the time-to-live (until the status changes). */
  expired: boolean;
}

/** Tracks remote clusters' declarations, status and resyncs. */
export class RemoteClusterRegistry {
  private readonly clusters = new Map<string, ClusterState>();
  private readonly now: () => number;
  /** Clusters that must settle before the engine is in sync; undefined until local data is in. */
  private awaited: Set<string> | undefined;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Whether data for `cluster` is accepted (a valid configuration declares it). */
  accepts(cluster: string): boolean {
    return this.clusters.get(cluster)?.valid ?? false;
  }

  /** A known cluster's current status. */
  status(name: string): RemoteClusterStatus | undefined {
    return this.clusters.get(name)?.status;
  }

  /** Records a configuration: valid ones declare the cluster, invalid ones leave it `ConfigIncomplete`. */
  declare(name: string, valid: boolean, error?: string): void {
    const existing = this.clusters.get(name);
    if (valid) {
      if (existing?.valid) return;
      this.clusters.set(name, {
        status: "Connecting",
        error: undefined,
        since: this.now(),
        valid: true,
        unconfirmed: undefined,
        settled: false,
        expired: false,
      });
      return;
    }
    if (existing !== undefined && !existing.valid) {
      existing.error = error;
      return;
    }
    this.clusters.set(name, {
      status: "ConfigIncomplete",
      error,
      since: this.now(),
      valid: false,
      unconfirmed: undefined,
      settled: existing?.settled ?? false,
      expired: false,
    });
    // An invalid configuration settles nothing but must not block start-up forever.
    this.awaited?.delete(name);
  }

  /** A valid configuration's connection details changed: Calico asks for a restart, and so do we. */
  configurationChanged(name: string): void {
    this.setStatus(name, "ConfigChangeRestartRequired", undefined);
  }

  /** Forgets a cluster whose configuration was deleted. */
  undeclare(name: string): void {
    this.clusters.delete(name);
    this.awaited?.delete(name);
  }

  /**
   * Sets a declared cluster's status; returns false (and changes nothing) for a cluster no valid
   * configuration declares. `since` moves only when the status itself changes: a new error text
   * for a cluster that is still failing (Calico retries every 10 s) is the same disconnection.
   */
  setStatus(name: string, status: RemoteClusterStatus, error?: string): boolean {
    const state = this.clusters.get(name);
    if (state === undefined || !state.valid) return false;
    state.error = error;
    if (state.status !== status) {
      state.status = status;
      state.since = this.now();
      state.expired = false;
    }
    if (status === "InSync" || status === "ConnectionFailed") {
      state.settled = true;
      this.awaited?.delete(name);
    }
    return true;
  }

  /** Starts a resync: every key in `held` awaits confirmation. */
  beginResync(name: string, held: Iterable<string>): boolean {
    const state = this.clusters.get(name);
    if (state === undefined || !state.valid) return false;
    state.unconfirmed = new Set(held);
    this.setStatus(name, "ResyncInProgress");
    return true;
  }

  /** A resource of the cluster was (re-)sent during a resync. */
  confirm(name: string, key: string): void {
    this.clusters.get(name)?.unconfirmed?.delete(key);
  }

  /** Ends a resync: returns the keys never re-sent (to delete); the cluster is `InSync`. */
  endResync(name: string): string[] {
    const state = this.clusters.get(name);
    if (state?.unconfirmed === undefined) return [];
    const stale = [...state.unconfirmed];
    state.unconfirmed = undefined;
    this.setStatus(name, "InSync");
    return stale;
  }

  /** The local data is complete: from now on, in sync once the clusters declared so far settle. */
  markLocalInSync(): void {
    this.awaited ??= new Set(
      [...this.clusters].filter(([, state]) => state.valid && !state.settled).map(([name]) => name),
    );
  }

  /** Whether local data is in and every cluster declared at that time has synced or failed once. */
  inSync(): boolean {
    return this.awaited !== undefined && this.awaited.size === 0;
  }

  /** Clusters whose data outlived `ttlMs` while disconnected; each is reported once per disconnection. */
  expire(ttlMs: number): string[] {
    const now = this.now();
    const expired: string[] = [];
    for (const [name, state] of this.clusters) {
      if (!state.valid || state.expired || state.status !== "ConnectionFailed" || now - state.since < ttlMs) continue;
      state.expired = true;
      expired.push(name);
    }
    return expired;
  }

  /** Every known remote cluster, with counts supplied by the caller. */
  list(count: (name: string) => { endpoints: number; profiles: number }): RemoteClusterInfo[] {
    return [...this.clusters]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, state]) => ({
        name,
        status: state.status,
        ...(state.error === undefined ? {} : { error: state.error }),
        since: state.since,
        ...count(name),
      }));
  }
}

/**
 * Reading a federation from disk: one folder per cluster, each holding resource dumps.
 *
 * `--data DIR` names the federation. With subfolders, each subfolder is a cluster named after it;
 * the local cluster is `--cluster NAME`, else the one whose data holds RemoteClusterConfigurations,
 * else `local`. Each RCC of the local cluster declares a remote cluster whose data is the folder
 * of that name. A declared remote with no folder, or with data that fails to read, becomes a
 * remote in `ConnectionFailed` (as Calico reports an unreachable cluster) rather than an abort.
 * A single file, a folder without subfolders, or `-` (standard input) is a one-cluster federation.
 *
 * Owns files and their order; knows nothing about commands or output.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  convertResource,
  type Diagnostic,
  isValidRemoteCluster,
  type ModelResource,
  type Origin,
  type RawResource,
  type RemoteClusterStatus,
  readResources,
} from "../index.js";

/** A usage or input problem that stops the command (exit code 2). */
export class InputError extends Error {}

/** What a feeder gives data to: the policy engine and the federated-services controller alike. */
export interface FederationSink {
  upsert(resource: unknown, options?: { readonly cluster?: string }): Diagnostic[];
  setRemoteClusterStatus(cluster: string, status: RemoteClusterStatus, error?: string): void;
  markLocalInSync(): void;
}

/** One cluster's data as read from disk. */
export interface ClusterData {
  /** The cluster's name (its folder's, or `local` for a one-cluster federation). */
  readonly name: string;
  /** Raw resources in file order (files sorted by path). */
  readonly items: readonly RawResource[];
  /** Files that could not be read and documents that could not be parsed. */
  readonly readErrors: readonly Diagnostic[];
}

/** A federation read from disk, before it is fed anywhere. */
export interface Federation {
  /** The local cluster. */
  readonly local: ClusterData;
  /** The other clusters with data, by name (declared by an RCC or not). */
  readonly others: ReadonlyMap<string, ClusterData>;
  /** Remote clusters the local cluster's RCCs declare, sorted. */
  readonly declared: readonly string[];
  /** Problems with the layout itself (folders no RCC declares). */
  readonly layoutWarnings: readonly Diagnostic[];
  /** Why a declared remote cluster has no data, as its ConnectionFailed error says. */
  readonly noData: string;
}

const DUMP_EXTENSIONS = [".yaml", ".yml", ".json"];

/** Reads the federation at `path` (a folder, a file or `-`); `cluster` names the local one. */
export function readFederation(path: string, cluster: string | undefined, stdin: () => string): Federation {
  if (path === "-") return single(readCluster(cluster ?? "local", ["-"], stdin), "standard input");
  const stat = statOrThrow(path);
  if (!stat.isDirectory()) return single(readCluster(cluster ?? "local", [path], stdin), path);
  const entries = readdirSync(path, { withFileTypes: true }).filter((entry) => !entry.name.startsWith("."));
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  if (folders.length === 0) return single(readCluster(cluster ?? "local", dumpsUnder(path), stdin), path);
  const looseFiles = entries.filter(
    (entry) => entry.isFile() && DUMP_EXTENSIONS.some((ext) => entry.name.endsWith(ext)),
  );

  const clusters = new Map(folders.map((name) => [name, readCluster(name, dumpsUnder(join(path, name)), stdin)]));
  const localName = cluster ?? guessLocal(clusters);
  const local = clusters.get(localName);
  if (local === undefined) {
    throw new InputError(`no cluster "${localName}" in ${path} (clusters: ${folders.join(", ")})`);
  }
  const declared = rccNames(local, true).sort();
  const others = new Map([...clusters].filter(([name]) => name !== localName));
  const layoutWarnings: Diagnostic[] = [
    ...looseFiles.map(
      (entry): Diagnostic => ({
        severity: "warning",
        message: "a file beside the cluster folders belongs to no cluster; not read (move it into a cluster's folder)",
        file: join(path, entry.name),
      }),
    ),
    ...[...others.keys()]
      .filter((name) => !declared.includes(name))
      .map(
        (name): Diagnostic => ({
          severity: "warning",
          message: `folder "${name}" is not declared by a valid RemoteClusterConfiguration of the local cluster "${localName}"; its data is not used`,
          file: join(path, name),
        }),
      ),
  ];
  return { local, others, declared, layoutWarnings, noData: `no data: ${path} has no folder of this name` };
}

function single(local: ClusterData, source: string): Federation {
  return {
    local,
    others: new Map(),
    declared: rccNames(local, true).sort(),
    layoutWarnings: [],
    noData: `no data: ${source} holds one cluster (give --data a folder with one subfolder per cluster)`,
  };
}

/** The local cluster when `--cluster` is not given: the only one with RCCs, else `local`. */
function guessLocal(clusters: ReadonlyMap<string, ClusterData>): string {
  const withRccs = [...clusters.values()].filter((c) => rccNames(c).length > 0).map((c) => c.name);
  if (withRccs.length === 1) return withRccs[0]!;
  if (withRccs.length === 0 && clusters.has("local")) return "local";
  if (withRccs.length === 0 && clusters.size === 1) return [...clusters.keys()][0]!;
  const candidates = withRccs.length > 0 ? withRccs : [...clusters.keys()];
  throw new InputError(
    `cannot tell which cluster is the local one (${withRccs.length > 0 ? "several hold RemoteClusterConfigurations" : "none holds RemoteClusterConfigurations"}): pass --cluster with one of ${candidates.join(", ")}`,
  );
}

/**
 * Names of the RemoteClusterConfigurations in a cluster's data; with `validOnly`, of those that
 * declare a cluster (invalid ones are reported by the engine, and their folders are not read).
 */
function rccNames(cluster: ClusterData, validOnly = false): string[] {
  const names = new Set<string>();
  for (const { raw } of cluster.items) {
    if ((raw as { kind?: unknown } | null)?.kind !== "RemoteClusterConfiguration") continue;
    for (const model of convertResource(raw).resources) {
      if (model.kind === "RemoteClusterConfiguration" && (!validOnly || isValidRemoteCluster(model))) {
        names.add(model.name);
      }
    }
  }
  return [...names];
}

function statOrThrow(path: string) {
  try {
    return statSync(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${describeFsError(error)}`);
  }
}

/** Dump files under a folder, recursively, sorted by path. */
function dumpsUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && DUMP_EXTENSIONS.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function readCluster(name: string, files: readonly string[], stdin: () => string): ClusterData {
  const items: RawResource[] = [];
  const readErrors: Diagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = file === "-" ? stdin() : readFileSync(file, "utf8");
    } catch (error) {
      readErrors.push({ severity: "error", message: `cannot read the file: ${describeFsError(error)}`, file });
      continue;
    }
    const read = readResources(text, { file });
    items.push(...read.items);
    readErrors.push(...read.diagnostics);
  }
  return { name, items, readErrors };
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/** A diagnostic with the origin of the resource it is about, when it names none itself. */
function withOrigin(diagnostic: Diagnostic, origin: Origin): Diagnostic {
  return diagnostic.file === undefined ? { ...origin, ...diagnostic } : diagnostic;
}

/**
 * Feeds a federation to a sink the way a live feeder would: local data, then each declared
 * remote (InSync, or ConnectionFailed with why), then local in-sync. Returns every diagnostic,
 * each naming its file and document.
 */
export function feed(federation: Federation, sink: FederationSink): Diagnostic[] {
  const diagnostics: Diagnostic[] = [...federation.layoutWarnings, ...federation.local.readErrors];
  for (const { raw, origin } of federation.local.items) {
    for (const d of sink.upsert(raw)) diagnostics.push(withOrigin(d, origin));
  }
  for (const name of federation.declared) {
    const data = federation.others.get(name);
    if (data === undefined) {
      sink.setRemoteClusterStatus(name, "ConnectionFailed", federation.noData);
      continue;
    }
    sink.setRemoteClusterStatus(name, "ResyncInProgress");
    for (const { raw, origin } of data.items) {
      for (const d of sink.upsert(raw, { cluster: name })) diagnostics.push(withOrigin(d, origin));
    }
    diagnostics.push(...data.readErrors.map((d) => ({ ...d, cluster: name })));
    const failure = data.readErrors[0];
    if (failure === undefined) sink.setRemoteClusterStatus(name, "InSync");
    else sink.setRemoteClusterStatus(name, "ConnectionFailed", `cannot read ${failure.file}: ${failure.message}`);
  }
  sink.markLocalInSync();
  return diagnostics;
}

/** Each cluster's data converted to model objects, keyed by cluster name (for preflight). */
export function modelsByCluster(federation: Federation): Map<string, ModelResource[]> {
  const result = new Map<string, ModelResource[]>();
  for (const data of [federation.local, ...federation.others.values()]) {
    const cluster = data === federation.local ? "" : data.name;
    result.set(
      data.name,
      data.items.flatMap(({ raw }) => convertResource(raw, { cluster }).resources),
    );
  }
  return result;
}

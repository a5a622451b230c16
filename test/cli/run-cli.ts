/**
 * Shared helpers of the CLI end-to-end tests: run the built `fedcalc` (dist/cli.js) as a child
 * process, and write small federations to temporary folders.
 *
 * The tests run the built CLI, not the sources: `npm test` builds before vitest. Locally, rebuild
 * with `npm run build` (or `npx tsup`) after changing src/.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the CLI runs there, so fixture paths are relative to it. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The built CLI. */
export const CLI = join(ROOT, "dist", "cli.js");
/** The fixtures of these tests, relative to {@link ROOT} (as the CLI prints paths given to it). */
export const FIXTURES = "test/cli/fixtures";

/** What one run of the CLI did. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/cli.js ...args` in the repository root with NO_COLOR=1 (`stdin` piped in) and
 * resolves with its exit status and whole stdout and stderr.
 *
 * Asynchronous (spawn rather than spawnSync) so that a file's tests can run concurrently: each
 * run costs about half a second of CPU, mostly loading modules, and vitest gives this suite one
 * worker on a two-core machine.
 */
export function fedcalc(args: readonly string[], options: { readonly stdin?: string } = {}): Promise<CliResult> {
  if (!existsSync(CLI)) {
    return Promise.reject(
      new Error(`${CLI} is missing: run \`npm run build\` first (npm test builds before running vitest)`),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({
        status,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
    child.stdin.on("error", () => {}); // the CLI may exit without reading its input
    child.stdin.end(options.stdin ?? "");
  });
}

/** Text from lines: each line ends with `\n`, as the CLI prints them. */
export function lines(...text: string[]): string {
  return text.map((line) => `${line}\n`).join("");
}

/** calicoq's stderr block for remote clusters whose data may be incomplete (its items sorted). */
export function remoteProblems(...items: string[]): string {
  return lines(
    "The following problems were encountered connecting to the remote clusters",
    "which may have resulted in incomplete data:",
    ...[...items].sort().map((item) => `-  ${item}`),
  );
}

/** The error text of a remote cluster that has no folder in the federation. */
export function noFolder(data: string): string {
  return `no data: ${data} has no folder of this name`;
}

/** A fresh temporary folder; {@link removeTempDirs} deletes them all. */
const tempDirs: string[] = [];
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fedcalc-cli-test-"));
  tempDirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes a federation: `{ cluster: { file: text } }` becomes `<dir>/<cluster>/<file>`. Returns
 * `dir`, to pass as `--data`.
 */
export function writeFederation(
  dir: string,
  clusters: Readonly<Record<string, Readonly<Record<string, string>>>>,
): string {
  for (const [cluster, files] of Object.entries(clusters)) {
    for (const [file, text] of Object.entries(files)) {
      const path = join(dir, cluster, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  return dir;
}

/** A RemoteClusterConfiguration declaring `name` (a valid one: kubernetes datastore, kubeconfig). */
export function rcc(name: string): string {
  return `apiVersion: projectcalico.org/v3
kind: RemoteClusterConfiguration
metadata:
  name: ${name}
spec:
  datastoreType: kubernetes
  kubeconfig: /etc/federation/kubeconfig-${name}
`;
}

/** A running pod: scheduled on `node`, with IP `ip` (as `kubectl get pod -o yaml` trimmed prints it). */
export function pod(
  namespace: string,
  name: string,
  node: string,
  ip: string,
  labels: Readonly<Record<string, string>> = {},
): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels: ${JSON.stringify(labels)}
spec:
  nodeName: ${node}
status:
  phase: Running
  podIP: ${ip}
`;
}

/** Multi-document YAML from documents. */
export function documents(...docs: string[]): string {
  return docs.map((doc) => `---\n${doc}`).join("");
}

/** The byte order (UTF-8) in which the CLI sorts names, as Go's sort.Strings does. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

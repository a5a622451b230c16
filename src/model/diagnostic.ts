/**
 * Diagnostics: what fedcalc says about input it could not use, or used leniently.
 *
 * Conversions never throw on user data; they return diagnostics instead, each naming where the
 * problem is (file and document), which resource (cluster, kind, namespace, name) and which field,
 * so a person can go straight to it.
 */

/** Where a resource came from in the input. */
export interface Origin {
  /** The file (or `-` for standard input), when the resource was read from one. */
  readonly file?: string;
  /** Zero-based index of the YAML/JSON document in the file. */
  readonly document?: number;
  /** Zero-based index of the resource within a `List` (or a top-level array) in that document. */
  readonly item?: number;
}

/** One problem found in the input. */
export interface Diagnostic extends Origin {
  /** `error`: the resource (or the part named by `field`) was not used. `warning`: used, with a caveat. */
  readonly severity: "error" | "warning";
  /** What is wrong, in a sentence. */
  readonly message: string;
  /** The cluster the resource belongs to (`""` is the local cluster). */
  readonly cluster?: string;
  /** The resource's kind as written (`NetworkPolicy`, `Pod`, …). */
  readonly kind?: string;
  /** The resource's namespace, for namespaced resources. */
  readonly namespace?: string;
  /** The resource's name. */
  readonly name?: string;
  /** The field at fault, as a path (`spec.ingress[0].source.selector`). */
  readonly field?: string;
}

/**
 * Renders a diagnostic on one line:
 * `policies.yaml#2: error: NetworkPolicy shop/allow-web: spec.ingress[0].ports[1]: invalid port "-50:-1"`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const document = d.document === undefined ? "" : `#${d.document}${d.item === undefined ? "" : `[${d.item}]`}`;
  const where = d.file === undefined && document === "" ? "" : `${d.file ?? ""}${document}: `;
  const cluster = d.cluster ? `[${d.cluster}] ` : "";
  const resource =
    d.kind === undefined
      ? ""
      : `${d.kind}${d.name === undefined ? "" : ` ${d.namespace ? `${d.namespace}/` : ""}${d.name}`}: `;
  const field = d.field === undefined ? "" : `${d.field}: `;
  return `${where}${d.severity}: ${cluster}${resource}${field}${d.message}`;
}

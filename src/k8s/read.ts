/**
 * Reading untrusted resource objects without trusting them.
 *
 * A {@link Field} is a value plus the path that led to it (`spec.ingress[0].ports[1]`) and the
 * conversion it belongs to. Reading a field never throws: a value of the wrong type is reported as
 * a diagnostic naming the resource and the path, and reads as absent. Only own properties of plain
 * objects are followed, so `__proto__` or `constructor` in the input are just keys.
 */
import type { Diagnostic, Origin } from "../model/index.js";

/** What a conversion knows about the resource it is converting, and where it reports problems. */
export interface ConvertContext {
  /** Owning cluster (`""` local). */
  readonly cluster: string;
  /** Where the resource was read from. */
  readonly origin: Origin;
  /** The resource's kind as written. */
  readonly kind: string;
  /** The resource's namespace (`""` for cluster-scoped resources). */
  readonly namespace: string;
  /** The resource's name. */
  readonly name: string;
  /** Diagnostics collected so far; converters append to it. */
  readonly diagnostics: Diagnostic[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets a property as data, even for `__proto__`, which assignment would treat as the prototype.
 * Every other key is assigned plainly: the result is the same own data property, and
 * `defineProperty` on every label of every endpoint costs measurably more.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A string element of a list, with its own field (for diagnostics naming `spec.nets[2]`). */
export interface StringItem {
  /** The element's field. */
  readonly field: Field;
  /** Its text. */
  readonly text: string;
}

/** A value found at a path inside a resource. */
export class Field {
  readonly ctx: ConvertContext;
  /** Path from the resource root, for messages (`""` is the root). */
  readonly path: string;
  /** The raw value; `undefined` when absent. */
  readonly value: unknown;

  constructor(ctx: ConvertContext, path: string, value: unknown) {
    this.ctx = ctx;
    this.path = path;
    this.value = value;
  }

  /** Whether the field is present (not `undefined` or `null`). */
  get exists(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /** The child field `key` (absent unless this is an object with that own property). */
  get(key: string): Field {
    const child = isObject(this.value) && Object.hasOwn(this.value, key) ? this.value[key] : undefined;
    return new Field(this.ctx, this.path === "" ? key : `${this.path}.${key}`, child);
  }

  /** Reports a problem with this field. */
  report(severity: Diagnostic["severity"], message: string): void {
    const { cluster, origin, kind, namespace, name } = this.ctx;
    const diagnostic: Diagnostic = {
      severity,
      message,
      ...origin,
      cluster,
      ...(kind === "" ? {} : { kind }),
      ...(namespace === "" ? {} : { namespace }),
      ...(name === "" ? {} : { name }),
      ...(this.path === "" ? {} : { field: this.path }),
    };
    this.ctx.diagnostics.push(diagnostic);
  }

  private wrongType(expected: string): undefined {
    this.report("error", `expected ${expected}, got ${describe(this.value)}`);
    return undefined;
  }

  /** The value as a string; absent or of another type reads as `undefined` (the latter reported). */
  string(): string | undefined {
    if (!this.exists) return undefined;
    return typeof this.value === "string" ? this.value : this.wrongType("a string");
  }

  /** Like {@link Field.string}, but a missing or empty value is also reported. */
  requiredString(): string | undefined {
    const value = this.string();
    if (value === undefined && !this.exists) this.report("error", "is required");
    if (value === "") {
      this.report("error", "must not be empty");
      return undefined;
    }
    return value;
  }

  /** The value as a finite number (numeric strings are not accepted). */
  number(): number | undefined {
    if (!this.exists) return undefined;
    return typeof this.value === "number" && Number.isFinite(this.value) ? this.value : this.wrongType("a number");
  }

  /** The value as an integer in `[min, max]`. */
  integer(min: number, max: number): number | undefined {
    const value = this.number();
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.report("error", `expected an integer from ${min} to ${max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** The value as a boolean. */
  boolean(): boolean | undefined {
    if (!this.exists) return undefined;
    return typeof this.value === "boolean" ? this.value : this.wrongType("true or false");
  }

  /** The elements of an array (absent reads as empty). */
  items(): Field[] {
    if (!this.exists) return [];
    if (!Array.isArray(this.value)) {
      this.wrongType("a list");
      return [];
    }
    return this.value.map((item, i) => new Field(this.ctx, `${this.path}[${i}]`, item));
  }

  /** The elements of a list of strings; non-string elements are reported and skipped. */
  strings(): string[] {
    return this.stringItems().map(({ text }) => text);
  }

  /** Like {@link Field.strings}, with each string's own field (to report on `spec.nets[2]`). */
  stringItems(): StringItem[] {
    return this.items().flatMap((field) => {
      const text = field.string();
      if (text === undefined && !field.exists) field.report("error", "expected a string, got null");
      return text === undefined ? [] : [{ field, text }];
    });
  }

  /** Whether the value is an object (a mapping); reports any other present value. */
  isObject(): boolean {
    if (!this.exists) return false;
    if (isObject(this.value)) return true;
    this.wrongType("an object");
    return false;
  }

  /** The object's own keys (empty unless an object). */
  keys(): string[] {
    return isObject(this.value) ? Object.keys(this.value) : [];
  }

  /** A string-to-string map such as labels; entries with non-string values are reported and skipped. */
  stringMap(): Record<string, string> {
    const result: Record<string, string> = {};
    if (!this.isObject()) return result;
    for (const key of this.keys()) {
      const value = this.get(key).string();
      if (value !== undefined) setOwn(result, key, value);
    }
    return result;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Services, Endpoints and EndpointSlices → the model's service objects, which the federated-services
 * controller and service-based rules need. These are copies of the Kubernetes fields with the
 * Kubernetes defaults filled in (a port's name `""`, protocol `TCP`); they have no Calico-specific
 * conversion.
 *
 * Lenient where one bad part does not spoil the rest: an address that is not an IP (or not of the
 * slice's address type) is skipped with a warning, and a port without a usable number is skipped.
 * Addresses are kept in canonical form (`2001:db8::a`, not `2001:DB8:0::A`) so that the same IP
 * read from two clusters compares equal.
 */
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSlice,
  EndpointSubset,
  Endpoints,
  ModelResource,
  ObjectReference,
  Service,
  ServicePort,
  SliceEndpoint,
} from "../model/index.js";
import { parseIp } from "../net/index.js";
import type { ConvertContext, Field } from "./read.js";

/** The label an EndpointSlice's controller sets to the name of the Service the slice belongs to. */
const LABEL_SERVICE_NAME = "kubernetes.io/service-name";

/** Converts a v1 Service: labels, annotations, pod selector, ports and IP families. */
export function convertService(resource: Field, ctx: ConvertContext): ModelResource[] {
  const metadata = resource.get("metadata");
  const spec = resource.get("spec");
  const service: Service = {
    kind: "Service",
    cluster: ctx.cluster,
    namespace: ctx.namespace,
    name: ctx.name,
    labels: metadata.get("labels").stringMap(),
    annotations: metadata.get("annotations").stringMap(),
    podSelector: spec.get("selector").stringMap(),
    ports: objects(spec.get("ports")).flatMap(servicePort),
    ipFamilies: spec.get("ipFamilies").strings(),
  };
  return [service];
}

/** Converts a v1 Endpoints object: its subsets' ready and not-ready addresses, and ports. */
export function convertEndpoints(resource: Field, ctx: ConvertContext): ModelResource[] {
  const metadata = resource.get("metadata");
  const endpoints: Endpoints = {
    kind: "Endpoints",
    cluster: ctx.cluster,
    namespace: ctx.namespace,
    name: ctx.name,
    labels: metadata.get("labels").stringMap(),
    annotations: metadata.get("annotations").stringMap(),
    subsets: objects(resource.get("subsets")).map(endpointSubset),
  };
  return [endpoints];
}

/** Converts a discovery.k8s.io/v1 EndpointSlice: its owning Service's name, address type, endpoints and ports. */
export function convertEndpointSlice(resource: Field, ctx: ConvertContext): ModelResource[] {
  const labels = resource.get("metadata").get("labels").stringMap();
  const addressTypeField = resource.get("addressType");
  const addressType = addressTypeField.requiredString() ?? "";
  const family = addressFamily(addressTypeField, addressType);
  const slice: EndpointSlice = {
    kind: "EndpointSlice",
    cluster: ctx.cluster,
    namespace: ctx.namespace,
    name: ctx.name,
    serviceName: labels[LABEL_SERVICE_NAME] ?? "",
    labels,
    addressType,
    endpoints: objects(resource.get("endpoints")).map((endpoint) => sliceEndpoint(endpoint, addressType, family)),
    ports: objects(resource.get("ports")).flatMap((port) => endpointPort(port, "warning")),
  };
  return [slice];
}

/** The object elements of a list; other elements are reported and skipped. */
function objects(list: Field): Field[] {
  return list.items().filter((item) => {
    if (!item.exists) item.report("error", "expected an object, got null");
    return item.isObject();
  });
}

/** The string fields among `keys` that are present, as optional properties (absent ones get no key). */
function presentStrings<K extends string>(field: Field, keys: readonly K[]): { [P in K]?: string } {
  const result: { [P in K]?: string } = {};
  for (const key of keys) {
    const value = field.get(key).string();
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** Like {@link presentStrings}, for booleans. */
function presentBooleans<K extends string>(field: Field, keys: readonly K[]): { [P in K]?: boolean } {
  const result: { [P in K]?: boolean } = {};
  for (const key of keys) {
    const value = field.get(key).boolean();
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** A required port number (1–65535); a missing one is reported with `missing`'s severity. */
function portNumber(field: Field, missing: "error" | "warning"): number | undefined {
  if (!field.exists) {
    field.report(missing, "is missing; port ignored");
    return undefined;
  }
  return field.integer(1, 65535);
}

function servicePort(port: Field): ServicePort[] {
  const number = portNumber(port.get("port"), "error");
  if (number === undefined) return [];
  const target = targetPort(port.get("targetPort"));
  return [
    {
      name: port.get("name").string() ?? "",
      protocol: port.get("protocol").string() ?? "TCP",
      port: number,
      ...(target === undefined ? {} : { targetPort: target }),
    },
  ];
}

/** A Service's `targetPort`: a port number or a container port's name (an IntOrString). */
function targetPort(field: Field): number | string | undefined {
  if (!field.exists) return undefined;
  if (typeof field.value === "string") {
    if (field.value !== "") return field.value;
    field.report("warning", "is empty; ignored");
    return undefined;
  }
  if (typeof field.value === "number") return field.integer(1, 65535);
  field.report("error", "expected a port number or a port name");
  return undefined;
}

/**
 * A port of an Endpoints subset or an EndpointSlice. `missing` is the severity for a port without
 * a number: invalid in Endpoints, but legal in a slice (meaning all ports), which the model cannot
 * express.
 */
function endpointPort(port: Field, missing: "error" | "warning"): EndpointPort[] {
  const number = portNumber(port.get("port"), missing);
  if (number === undefined) return [];
  return [{ name: port.get("name").string() ?? "", protocol: port.get("protocol").string() ?? "TCP", port: number }];
}

function endpointSubset(subset: Field): EndpointSubset {
  return {
    addresses: objects(subset.get("addresses")).flatMap(endpointAddress),
    notReadyAddresses: objects(subset.get("notReadyAddresses")).flatMap(endpointAddress),
    ports: objects(subset.get("ports")).flatMap((port) => endpointPort(port, "error")),
  };
}

function endpointAddress(address: Field): EndpointAddress[] {
  const ipField = address.get("ip");
  const text = addressText(ipField);
  const ip = text === undefined ? undefined : validAddress(ipField, text, undefined);
  if (ip === undefined) return [];
  const targetRef = objectReference(address.get("targetRef"));
  return [
    {
      ip,
      ...presentStrings(address, ["hostname", "nodeName"]),
      ...(targetRef === undefined ? {} : { targetRef }),
    },
  ];
}

/** The IP family a slice's `addressType` requires; `undefined` for FQDN slices, whose addresses are host names. */
function addressFamily(addressTypeField: Field, addressType: string): 4 | 6 | undefined {
  switch (addressType) {
    case "IPv4":
      return 4;
    case "IPv6":
      return 6;
    case "FQDN":
    case "": // missing: already reported
      return undefined;
    default:
      addressTypeField.report("warning", `unknown address type ${JSON.stringify(addressType)}`);
      return undefined;
  }
}

function sliceEndpoint(endpoint: Field, addressType: string, family: 4 | 6 | undefined): SliceEndpoint {
  const conditions = endpoint.get("conditions");
  const addresses = endpoint
    .get("addresses")
    .items()
    .flatMap((field) => {
      const text = addressText(field);
      if (text === undefined) return [];
      // FQDN slices hold host names, which are kept as written.
      const address = addressType === "FQDN" ? text : validAddress(field, text, family);
      return address === undefined ? [] : [address];
    });
  const targetRef = objectReference(endpoint.get("targetRef"));
  return {
    addresses,
    conditions: conditions.isObject() ? presentBooleans(conditions, ["ready", "serving", "terminating"]) : {},
    ...presentStrings(endpoint, ["hostname", "nodeName"]),
    ...(targetRef === undefined ? {} : { targetRef }),
  };
}

function objectReference(field: Field): ObjectReference | undefined {
  return field.isObject() ? presentStrings(field, ["kind", "namespace", "name", "uid"]) : undefined;
}

/** An address as written; a missing one is reported, one of the wrong type was already. */
function addressText(field: Field): string | undefined {
  if (!field.exists) field.report("warning", "has no address; ignored");
  return field.string();
}

/**
 * The canonical form of an endpoint IP, or `undefined` (reported as a warning) when it is not an IP
 * or not of the `family` the slice declares.
 */
function validAddress(field: Field, text: string, family: 4 | 6 | undefined): string | undefined {
  const parsed = parseIp(text);
  if (parsed === undefined) {
    field.report("warning", `invalid IP address ${JSON.stringify(text)}; address ignored`);
    return undefined;
  }
  if (family !== undefined && parsed.family !== family) {
    field.report("warning", `${JSON.stringify(text)} is not an IPv${family} address; address ignored`);
    return undefined;
  }
  return parsed.address;
}

/**
 * MemberCalculator against brute force: after any sequence of item, parent and IP-set updates,
 * every active set's members equal the members a plain evaluation of every item gives it, and
 * the reported transitions, replayed, give exactly those members (never a member added twice or
 * removed while absent). Items share nets on purpose (a small pool of addresses): members made
 * from a shared net are the only ones the calculator counts.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { MemberCalculator } from "../../src/calc/members.js";
import type { IpSetInfo } from "../../src/calc/types.js";
import type { NamedPort } from "../../src/model/index.js";
import { parseSelector } from "../../src/selector/index.js";
import { effectiveLabels } from "../index/effective-labels.js";

interface ItemSpec {
  labels: Record<string, string>;
  parents: string[];
  nets: string[];
  ports: NamedPort[];
}

type Op =
  | ({ op: "item"; id: string } & ItemSpec)
  | { op: "deleteItem"; id: string }
  | { op: "parent"; id: string; labels: Record<string, string> }
  | { op: "deleteParent"; id: string }
  | { op: "ipSet"; id: string }
  | { op: "deleteIpSet"; id: string };

/** The IP sets a history can activate, by ID. */
const IP_SETS: Readonly<Record<string, IpSetInfo>> = {
  "s:web": { id: "s:web", type: "net", selector: "app == 'web'" },
  "s:all": { id: "s:all", type: "net", selector: "all()" },
  "s:team": { id: "s:team", type: "net", selector: "has(team)" },
  "n:http-tcp": {
    id: "n:http-tcp",
    type: "ip-and-port",
    selector: "has(app)",
    namedPort: { name: "http", protocol: "tcp" },
  },
  "n:http-any": {
    id: "n:http-any",
    type: "ip-and-port",
    selector: "all()",
    namedPort: { name: "http", protocol: "any" },
  },
  "n:dns-udp": {
    id: "n:dns-udp",
    type: "ip-and-port",
    selector: "team == 'a'",
    namedPort: { name: "dns", protocol: "udp" },
  },
};

const HOST_NETS = ["10.0.0.1/32", "10.0.0.2/32", "fd00::1/128"];
const NETWORK = "10.0.0.0/24";
const PORTS: NamedPort[] = [
  { name: "http", protocol: "tcp", port: 80 },
  { name: "http", protocol: 6, port: 80 },
  { name: "http", protocol: "udp", port: 80 },
  { name: "http", protocol: "tcp", port: 8080 },
  { name: "dns", protocol: "udp", port: 53 },
];

const labels = fc.dictionary(fc.constantFrom("app", "team"), fc.constantFrom("web", "db", "a"), { maxKeys: 2 });
const itemId = fc.constantFrom("i1", "i2", "i3", "i4");
const parentId = fc.constantFrom("p1", "p2");
const ipSetId = fc.constantFrom(...Object.keys(IP_SETS));
/** An endpoint (host nets, maybe named ports, maybe a net twice) or a network set (any nets, no ports). */
const item = fc.oneof(
  fc.record({
    nets: fc.array(fc.constantFrom(...HOST_NETS), { maxLength: 3 }),
    ports: fc.subarray(PORTS),
  }),
  fc.record({
    nets: fc.uniqueArray(fc.constantFrom(NETWORK, ...HOST_NETS), { maxLength: 2 }),
    ports: fc.constant<NamedPort[]>([]),
  }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({ id: itemId, labels, parents: fc.uniqueArray(parentId, { maxLength: 2 }), item })
    .map(({ id, labels, parents, item }) => ({ op: "item" as const, id, labels, parents, ...item })),
  fc.record({ op: fc.constant("deleteItem" as const), id: itemId }),
  fc.record({ op: fc.constant("parent" as const), id: parentId, labels }),
  fc.record({ op: fc.constant("deleteParent" as const), id: parentId }),
  fc.record({ op: fc.constant("ipSet" as const), id: ipSetId }),
  fc.record({ op: fc.constant("deleteIpSet" as const), id: ipSetId }),
);

/** The members an item gives a set it matches, written out plainly (spec §5.8). */
function expectedMembers(info: IpSetInfo, item: ItemSpec): string[] {
  if (info.namedPort === undefined) return item.nets;
  const { name, protocol } = info.namedPort;
  const numbers: Record<string, number> = { tcp: 6, udp: 17, sctp: 132, any: 255 };
  const members: string[] = [];
  for (const port of item.ports) {
    // Spec §5.8 13: `any` matches every named protocol; a numeric one only its own number.
    const matches =
      typeof port.protocol === "number"
        ? numbers[protocol] === port.protocol
        : protocol === "any" || protocol === port.protocol;
    if (port.name !== name || !matches) continue;
    const portProtocol = typeof port.protocol === "number" ? port.protocol : numbers[port.protocol];
    const text = portProtocol === 17 ? "udp" : portProtocol === 132 ? "sctp" : "tcp";
    for (const net of item.nets) members.push(`${net.split("/")[0]},${text}:${port.port}`);
  }
  return members;
}

function run(ops: readonly Op[]): void {
  const replayed = new Map<string, Set<string>>();
  const calculator = new MemberCalculator({
    onMemberAdded: (id, member) => {
      const set = replayed.get(id) ?? new Set();
      expect(set.has(member), `${member} added twice to ${id}`).toBe(false);
      replayed.set(id, set.add(member));
    },
    onMemberRemoved: (id, member) => {
      expect(replayed.get(id)?.has(member), `${member} removed from ${id} without being added`).toBe(true);
      replayed.get(id)!.delete(member);
    },
  });
  const items = new Map<string, ItemSpec>();
  const parents = new Map<string, Record<string, string>>();
  const active = new Set<string>();
  for (const step of ops) {
    switch (step.op) {
      case "item": {
        const spec = { labels: step.labels, parents: step.parents, nets: step.nets, ports: step.ports };
        items.set(step.id, spec);
        calculator.updateItem(step.id, spec);
        break;
      }
      case "deleteItem":
        items.delete(step.id);
        calculator.deleteItem(step.id);
        break;
      case "parent":
        parents.set(step.id, step.labels);
        calculator.updateParent(step.id, step.labels);
        break;
      case "deleteParent":
        parents.delete(step.id);
        calculator.deleteParent(step.id);
        break;
      case "ipSet":
        // The engine activates a set once, while rules need it.
        if (active.has(step.id)) break;
        active.add(step.id);
        calculator.addIpSet(IP_SETS[step.id]!, parseSelector(IP_SETS[step.id]!.selector));
        break;
      case "deleteIpSet":
        active.delete(step.id);
        calculator.removeIpSet(step.id);
        replayed.delete(step.id);
        break;
    }
    for (const id of active) {
      const info = IP_SETS[id]!;
      const selector = parseSelector(info.selector);
      const expected = new Set<string>();
      for (const spec of items.values()) {
        const lookup = effectiveLabels(spec.labels, spec.parents, parents);
        if (selector.matchesWith(lookup)) for (const member of expectedMembers(info, spec)) expected.add(member);
      }
      const want = [...expected].sort();
      expect(calculator.members(id).sort(), `members of ${id}`).toEqual(want);
      expect([...(replayed.get(id) ?? [])].sort(), `replayed members of ${id}`).toEqual(want);
    }
    for (const id of replayed.keys()) expect(active.has(id), `members reported for inactive ${id}`).toBe(true);
  }
}

const item1 = (id: string, app: string, nets: string[]): Op => ({
  op: "item",
  id,
  labels: { app },
  parents: [],
  nets,
  ports: [],
});

describe("MemberCalculator", () => {
  // A net shared, then not, then shared again: what the first sharing counted must be gone, or
  // a set the remaining owner left would still count it and miss the next owner's member.
  const shareAgain: Op[] = [
    { op: "ipSet", id: "s:web" },
    { op: "ipSet", id: "s:all" },
    item1("i1", "web", ["10.0.0.1/32"]),
    item1("i2", "db", ["10.0.0.1/32"]),
    { op: "deleteItem", id: "i2" },
    item1("i1", "db", ["10.0.0.1/32"]),
    item1("i3", "web", ["10.0.0.1/32"]),
  ];
  // An item moving its only address onto another item's, while matching the same sets.
  const moveOntoShared: Op[] = [
    { op: "ipSet", id: "s:all" },
    item1("i1", "web", ["10.0.0.1/32"]),
    item1("i2", "web", ["10.0.0.2/32"]),
    item1("i2", "web", ["10.0.0.1/32"]),
    item1("i1", "web", ["10.0.0.2/32"]),
    { op: "deleteItem", id: "i2" },
  ];

  test.prop([fc.array(op, { maxLength: 40 })], { numRuns: 400, examples: [[shareAgain], [moveOntoShared]] })(
    "members equal a brute-force evaluation, and the reported transitions replay to them, after every step",
    (ops) => run(ops),
  );

  it("rejects named ports on an item whose nets are not host addresses", () => {
    const calculator = new MemberCalculator({ onMemberAdded: () => {}, onMemberRemoved: () => {} });
    expect(() => calculator.updateItem("i1", { labels: {}, parents: [], nets: [NETWORK], ports: [PORTS[0]!] })).toThrow(
      /host addresses.*"10\.0\.0\.0\/24"/,
    );
  });

  it("names the items that share a net, and none when one item has it", () => {
    const calculator = new MemberCalculator({ onMemberAdded: () => {}, onMemberRemoved: () => {} });
    const source = { labels: {}, parents: [], nets: ["10.0.0.1/32"], ports: [] };
    calculator.updateItem("i1", source);
    expect(calculator.itemsSharingNet("10.0.0.1/32")).toEqual([]);
    calculator.updateItem("i2", source);
    expect([...calculator.itemsSharingNet("10.0.0.1/32")].sort()).toEqual(["i1", "i2"]);
    calculator.deleteItem("i1");
    expect(calculator.itemsSharingNet("10.0.0.1/32")).toEqual([]);
  });
});

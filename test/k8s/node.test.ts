import { describe, expect, it } from "vitest";
import { convertResource } from "../../src/k8s/convert.js";

const node = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, annotations = {}) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "worker-1", annotations },
  spec,
  status,
});

describe("Node", () => {
  it("keeps internal and external addresses, Calico's subnet annotations and pod CIDRs, masked", () => {
    const result = convertResource(
      node(
        {
          addresses: [
            { type: "InternalIP", address: "10.0.0.5" },
            { type: "Hostname", address: "worker-1" },
            { type: "ExternalIP", address: "2001:db8::5" },
          ],
        },
        { podCIDRs: ["10.244.1.0/24", "fd00:10:244:1::/64"] },
        { "projectcalico.org/IPv4Address": "10.0.0.5/24" },
      ),
      { cluster: "east" },
    );
    expect(result).toEqual({
      resources: [
        {
          kind: "Node",
          cluster: "east",
          name: "worker-1",
          addresses: ["10.0.0.5", "2001:db8::5"],
          subnets: ["10.0.0.0/24"],
          podCIDRs: ["10.244.1.0/24", "fd00:10:244:1::/64"],
        },
      ],
      diagnostics: [],
    });
  });

  it("falls back to spec.podCIDR, and skips what does not parse with a warning", () => {
    const result = convertResource(
      node({ addresses: [{ type: "InternalIP", address: "10.0.0" }] }, { podCIDR: "10.244.2.7/24" }),
    );
    expect(result.resources).toMatchObject([{ addresses: [], podCIDRs: ["10.244.2.0/24"] }]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", field: "status.addresses[0].address" }),
    ]);
  });
});

/**
 * `platform:chartSources`: each chart the platform installs comes from its own home or from the
 * source the user names (a mirror repository, an OCI registry, a directory), at the pinned version.
 * `chartLocation` is the one mapping; the stacks below pin that every chart goes through it.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { chartLocation, type PinnedChart } from "../../../components/platform/helm";
import type { Cloud } from "../../../config";
import { EXAMPLE_STACK_OF, runStack } from "../../../scripts/plan-lib";
import type { RecordedResource } from "../../harness/mocks";

const IN_REPOSITORY: PinnedChart = { name: "cert-manager", version: "v1.21.2", home: { kind: "repository", url: "https://charts.jetstack.io" } };
const IN_OCI: PinnedChart = { name: "gateway-helm", version: "v1.9.2", home: { kind: "oci", chart: "oci://docker.io/envoyproxy/gateway-helm" } };

describe("chartLocation", () => {
    it("installs from the chart's own home when no source is set, as before", () => {
        assert.deepEqual(chartLocation(IN_REPOSITORY, undefined), { chart: "cert-manager", version: "v1.21.2", repositoryOpts: { repo: "https://charts.jetstack.io" } });
        assert.deepEqual(chartLocation(IN_OCI, undefined), { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.2" });
    });

    it("takes a mirror repository: same chart name, same version, the mirror's URL", () => {
        const mirror = { kind: "repository", url: "https://charts.example.com/mirror" } as const;
        assert.deepEqual(chartLocation(IN_REPOSITORY, mirror), { chart: "cert-manager", version: "v1.21.2", repositoryOpts: { repo: mirror.url } });
        // An OCI-published chart keeps its last path segment as its name in a repository mirror.
        assert.deepEqual(chartLocation(IN_OCI, mirror), { chart: "gateway-helm", version: "v1.9.2", repositoryOpts: { repo: mirror.url } });
    });

    it("takes an OCI reference as the chart, with no repository, at the pinned version", () => {
        const oci = { kind: "oci", chart: "oci://registry.example.com/charts/cert-manager" } as const;
        assert.deepEqual(chartLocation(IN_REPOSITORY, oci), { chart: oci.chart, version: "v1.21.2" });
    });

    it("takes a directory as an absolute path from the project directory, with no version (Helm checks none for a local chart)", () => {
        assert.deepEqual(chartLocation(IN_REPOSITORY, { kind: "directory", path: "./charts/cert-manager" }, "/work/project"), { chart: "/work/project/charts/cert-manager" });
        assert.deepEqual(chartLocation(IN_REPOSITORY, { kind: "directory", path: "../mirror/cert-manager" }, "/work/project"), { chart: "/work/mirror/cert-manager" });
        assert.deepEqual(chartLocation(IN_REPOSITORY, { kind: "directory", path: "/srv/charts/cert-manager" }, "/work/project"), { chart: "/srv/charts/cert-manager" });
        // Default: the working directory, where `pulumi` runs the program (the project directory).
        assert.equal(chartLocation(IN_REPOSITORY, { kind: "directory", path: "./c" }).chart, path.resolve("c"));
    });
});

/** Every chart a stack installs (Releases and the CRDs Chart), by its release or component name. */
function charts(resources: readonly RecordedResource[]): Map<string, Record<string, unknown>> {
    const found = resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" || r.type === "kubernetes:helm.sh/v4:Chart");
    return new Map(found.map((r) => [r.name, { chart: r.inputs.chart, version: r.inputs.version, repositoryOpts: r.inputs.repositoryOpts }]));
}

const MIRROR = "https://charts.example.com/mirror";
const SOURCES = {
    "ingress-nginx": MIRROR,
    "cert-manager": "oci://registry.example.com/charts/cert-manager",
    "envoy-gateway": "oci://registry.example.com/charts/gateway-helm",
    "envoy-gateway-crds": "./charts/gateway-crds-helm",
    "cluster-autoscaler": MIRROR,
};

/** What each chart resource installs with SOURCES set, given what it installs without. */
function expectedWithSources(was: Record<string, unknown>): Record<string, Record<string, unknown>> {
    return {
        "ingress-nginx-release": { chart: "ingress-nginx", version: was["ingress-nginx-release"], repositoryOpts: { repo: MIRROR } },
        "cert-manager-release": { chart: SOURCES["cert-manager"], version: was["cert-manager-release"], repositoryOpts: undefined },
        "envoy-gateway-release": { chart: SOURCES["envoy-gateway"], version: was["envoy-gateway-release"], repositoryOpts: undefined },
        "envoy-gateway-crds": { chart: path.resolve("charts/gateway-crds-helm"), version: undefined, repositoryOpts: undefined },
        "aws-cluster-autoscaler-release": { chart: "cluster-autoscaler", version: was["aws-cluster-autoscaler-release"], repositoryOpts: { repo: MIRROR } },
    };
}

for (const cloud of ["local", "aws"] as const satisfies readonly Cloud[]) {
    describe(`stack: ${cloud} with platform:chartSources`, () => {
        it("installs every chart from its source, at the version it pins without one", async () => {
            const both = { "platform:ingressController": "both" };
            const sources = cloud === "aws" ? SOURCES : { ...SOURCES, "cluster-autoscaler": undefined };
            const before = charts((await runStack(EXAMPLE_STACK_OF[cloud], both)).resources.all);
            const after = charts((await runStack(EXAMPLE_STACK_OF[cloud], { ...both, "platform:chartSources": JSON.stringify(sources) })).resources.all);
            const versions = Object.fromEntries([...before].map(([name, c]) => [name, c.version]));
            const expected = Object.fromEntries(Object.entries(expectedWithSources(versions)).filter(([name]) => before.has(name)));
            assert.deepEqual(Object.keys(expected).sort(), [...before.keys()].sort(), "every chart the stack installs is covered");
            assert.equal(Object.keys(expected).length, cloud === "aws" ? 5 : 4);
            assert.deepEqual(Object.fromEntries(after), expected);
            assert.ok(Object.values(versions).every((v) => typeof v === "string" && v !== ""), "every chart pins a version without a source");
        });
    });
}

/**
 * How the platform installs every Helm chart it owns (ingress-nginx, cert-manager, Envoy Gateway,
 * the Cluster Autoscaler), and where each chart comes from. This module imports no cloud SDK.
 */
import * as path from "node:path";
import type { ChartSource } from "../../config";

/**
 * Release options shared by every chart:
 * - `skipAwait: false`: Pulumi waits until the release is ready, so what depends on it starts after.
 * - not atomic: a rollback would hide the failure from Pulumi's state and revert outside it; a
 *   failed upgrade leaves the old pods serving (rolling update) and the next `pulumi up` retries.
 * - `cleanupOnFail` removes what a failed upgrade added; `maxHistory` bounds the release Secrets.
 * - the namespace is a Namespace resource of the component's own, never Helm's.
 */
export const RELEASE_POLICY = {
    createNamespace: false,
    skipAwait: false,
    atomic: false,
    cleanupOnFail: true,
    maxHistory: 10,
} as const;

/** A chart as the platform pins it: its name in a Helm repository, its version, where it is published. */
export interface PinnedChart {
    /** The chart's name inside a Helm repository (`cert-manager`, `gateway-helm`). */
    name: string;
    /** The version the platform installs; a mirror serves the same one. */
    version: string;
    /** Where the chart is published: a Helm repository, or the chart's OCI reference. */
    home: Exclude<ChartSource, { kind: "directory" }>;
}

/** The part of a `helm.v3.Release` (or `helm.v4.Chart`) that says which chart it installs. */
export interface ChartLocation {
    chart: string;
    /** Undefined for a chart directory: Helm installs what is there (see `chartLocation`). */
    version?: string;
    repositoryOpts?: { repo: string };
}

/**
 * Where to install `pinned` from: its own home, or `source` (`platform:chartSources`) when set.
 * - repository: `repositoryOpts.repo` is the mirror, the chart keeps its name, the version stays.
 * - oci: `chart` is the mirror's reference (no repository), the version stays.
 * - directory: `chart` is the absolute path (a relative one is taken from `projectDir`, where
 *   `pulumi` runs the program), with no version. Helm never checks a local chart's version: the
 *   provider's locateChart returns a local path that holds a Chart.yaml before any version lookup
 *   (pulumi-kubernetes provider/pkg/provider/helm_release.go `locateChart`; helm.v4.Chart goes through
 *   Helm's own `ChartPathOptions.LocateChart`, which does the same; both read 2026-12-07). A version
 *   here would claim a pin nothing enforces: the directory must hold the pinned version itself.
 */
export function chartLocation(pinned: PinnedChart, source: ChartSource | undefined, projectDir: string = process.cwd()): ChartLocation {
    const from = source ?? pinned.home;
    switch (from.kind) {
        case "repository":
            return { chart: pinned.name, version: pinned.version, repositoryOpts: { repo: from.url } };
        case "oci":
            return { chart: from.chart, version: pinned.version };
        case "directory":
            return { chart: path.resolve(projectDir, from.path) };
    }
}

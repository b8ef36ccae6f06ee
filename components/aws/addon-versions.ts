/**
 * EKS managed add-on versions, pinned per Kubernetes minor (issue 18, "Node changes apply").
 *
 * `aws.eks.getAddonVersion` follows AWS's moving default, so a plain `pulumi up` would upgrade
 * add-ons by itself. Here every add-on version is fixed in code for each minor the calendar
 * (facts/versions.ts) accepts on EKS; a change of `platform:kubernetesVersion` moves all of
 * them together, and a bump is a reviewed edit of one row.
 *
 * Every string is a real `vX.Y.Z-eksbuild.N` that `aws eks describe-addon-versions
 * --kubernetes-version <minor>` returned for that minor, as recorded in public repositories (no
 * AWS credentials here to ask the API). Where a value was seen only for a neighbouring minor the
 * row says `unverified` with what was seen; check those with describe-addon-versions before relying
 * on them.
 *
 * Sources (checked 2026-12-01):
 * - [bp] awslabs/cdk-eks-blueprints lib/addons/{vpc-cni,coredns,kube-proxy,ebs-csi-driver,
 *   eks-pod-identity-agent,cloud-watch-insights}/index.ts versionMap (per minor, "EKS Kubernetes 1.35
 *   support", 2026-04-08).
 * - [35] public Terraform "Pinned 2026-09-07 from aws eks describe-addon-versions --kubernetes-version 1.35".
 * - [35m] public CDK config, describe-addon-versions --kubernetes-version 1.35 addonVersions[0], 2026-05.
 * - [36] public Terraform of a 1.36 cluster, "what each EKS add-on resolved to when it was first
 *   created" (late 2026); [36lab] a live 1.36 cluster's pins ("as it exists live"); [36dr] an EKS
 *   1.36.4 lab inventory (2026-09-26: aws-ebs-csi-driver v1.66.0-eksbuild.1 ACTIVE,
 *   snapshot-controller v8.6.0-eksbuild.8 installed).
 * - [34] public Terraform "Pinned addon versions for Kubernetes 1.34" (hyperswitch dev stack).
 * - [cni] EKS user guide "Update the Amazon VPC CNI (Amazon EKS add-on)" and "Amazon VPC CNI
 *   versions": update the add-on one minor version at a time (checked 2026-12-07); VPC CNI builds
 *   are published for every supported minor, so the row of a minor may hold the previous row's
 *   minor or the next one, never one further.
 * - [cni2] public notes of 2026 clusters: describe-addon-versions catalog "v1.22.3-eksbuild.1,
 *   k8s 1.30~1.36"; pinned v1.22.3-eksbuild.1 on a 1.34 (kube-proxy v1.34.6) and on 1.36 clusters
 *   (2026-08-09).
 * - [cni3] public Terraform of a 1.33 cluster (kube-proxy v1.33.7-eksbuild.2) pinning
 *   v1.21.1-eksbuild.3; an upgrade lab moving v1.21.1-eksbuild.3 to v1.22.3-eksbuild.1 on 1.33.
 * - [32] public Terraform with kube-proxy v1.32.6-eksbuild.12 (aws-efs-csi-driver v2.1.13-eksbuild.1)
 *   and one with eks_version 1.32 (metrics-server v0.8.0-eksbuild.1); a per-minor map for 1.32/1.33
 *   snapshot-controller (v8.2.0-eksbuild.1 / v8.3.0-eksbuild.1); aws-efs-csi-driver v2.1.13-eksbuild.1
 *   also next to kube-proxy v1.33.3-eksbuild.10 and v1.34.0-eksbuild.4.
 */

/** The EKS add-ons this platform manages (EKS add-on names, as `aws eks create-addon --addon-name` takes them). */
export const EKS_ADDONS = [
    "vpc-cni",
    "coredns",
    "kube-proxy",
    "aws-ebs-csi-driver",
    "eks-pod-identity-agent",
    // Community add-on (owner "community", published by AWS since 2025), not a Helm chart.
    "metrics-server",
    "snapshot-controller",
    "aws-efs-csi-driver",
    "amazon-cloudwatch-observability",
] as const;
export type EksAddon = (typeof EKS_ADDONS)[number];

/** One row per minor; the mapped type makes a missing add-on a compile error. */
export const EKS_ADDON_VERSIONS: { readonly [minor: string]: { readonly [addon in EksAddon]: string } } = {
    // Extended support only on 2026-12-01 (standard ended 2026-03-23).
    "1.32": {
        "vpc-cni": "v1.20.4-eksbuild.2", // [bp]
        coredns: "v1.11.4-eksbuild.2", // [bp]
        "kube-proxy": "v1.32.6-eksbuild.12", // [bp]
        "aws-ebs-csi-driver": "v1.56.0-eksbuild.1", // [bp]
        "eks-pod-identity-agent": "v1.3.10-eksbuild.2", // [bp]
        "metrics-server": "v0.8.0-eksbuild.1", // [32]
        "snapshot-controller": "v8.2.0-eksbuild.1", // [32]
        "aws-efs-csi-driver": "v2.1.13-eksbuild.1", // [32]
        "amazon-cloudwatch-observability": "v4.10.1-eksbuild.1", // [bp]
    },
    // Extended support only on 2026-12-01 (standard ended 2026-07-29).
    "1.33": {
        // Not [bp]'s v1.20.4-eksbuild.2: 1.34's v1.22 would then skip a minor ([cni]). [cni3].
        "vpc-cni": "v1.21.1-eksbuild.3",
        coredns: "v1.12.1-eksbuild.2", // [bp]
        "kube-proxy": "v1.33.3-eksbuild.4", // [bp]
        "aws-ebs-csi-driver": "v1.56.0-eksbuild.1", // [bp]
        "eks-pod-identity-agent": "v1.3.10-eksbuild.2", // [bp]
        // unverified: seen for 1.34 ([34]); v0.8.0-eksbuild.1 for 1.32 ([32]).
        "metrics-server": "v0.8.0-eksbuild.6",
        "snapshot-controller": "v8.3.0-eksbuild.1", // [32] per-minor map, "1.33"
        "aws-efs-csi-driver": "v2.1.13-eksbuild.1", // [32] beside kube-proxy v1.33.3-eksbuild.10
        "amazon-cloudwatch-observability": "v4.10.1-eksbuild.1", // [bp]
    },
    // Standard support until 2026-12-02.
    "1.34": {
        // Not [34]'s v1.21.1-eksbuild.1: 1.35's v1.23 would then skip a minor ([cni]); raised
        // rather than 1.35 lowered, since a running add-on cannot go back. [cni2].
        "vpc-cni": "v1.22.3-eksbuild.1",
        coredns: "v1.12.4-eksbuild.1", // [34]
        "kube-proxy": "v1.34.1-eksbuild.2", // [34]
        // [bp]; [34] pins v1.54.0-eksbuild.1, older than 1.33's: a minor upgrade must not downgrade an add-on.
        "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
        "eks-pod-identity-agent": "v1.3.10-eksbuild.2", // [bp]
        "metrics-server": "v0.8.0-eksbuild.6", // [34]
        "snapshot-controller": "v8.3.0-eksbuild.1", // [34]
        "aws-efs-csi-driver": "v2.1.13-eksbuild.1", // [32] beside kube-proxy v1.34.0-eksbuild.4
        "amazon-cloudwatch-observability": "v4.10.1-eksbuild.1", // [bp]
    },
    // Standard support until 2027-03-27; the default for nginx.
    "1.35": {
        "vpc-cni": "v1.23.0-eksbuild.1", // [35]
        coredns: "v1.14.3-eksbuild.16", // [35]
        "kube-proxy": "v1.35.3-eksbuild.21", // [35]
        "aws-ebs-csi-driver": "v1.65.0-eksbuild.1", // [35]
        "eks-pod-identity-agent": "v1.4.0-eksbuild.2", // [35]
        "metrics-server": "v0.8.1-eksbuild.6", // [35m]
        "snapshot-controller": "v8.6.0-eksbuild.6", // [35]
        "aws-efs-csi-driver": "v3.4.2-eksbuild.1", // [35]
        "amazon-cloudwatch-observability": "v5.3.1-eksbuild.1", // [bp]
    },
    // Standard support until 2027-08-02; the default for gateway.
    "1.36": {
        "vpc-cni": "v1.23.2-eksbuild.1", // [36]
        coredns: "v1.14.7-eksbuild.11", // [36]
        "kube-proxy": "v1.36.0-eksbuild.45", // [36]
        "aws-ebs-csi-driver": "v1.66.0-eksbuild.1", // [36dr]
        "eks-pod-identity-agent": "v1.4.0-eksbuild.3", // [36]
        "metrics-server": "v0.9.0-eksbuild.11", // [36], [36lab]
        "snapshot-controller": "v8.6.0-eksbuild.8", // [36dr]
        "aws-efs-csi-driver": "v3.4.2-eksbuild.1", // [36lab]
        "amazon-cloudwatch-observability": "v6.7.0-eksbuild.1", // [36]
    },
};

/**
 * Add-ons EKS updates one minor version at a time ([cni]): a `kubernetesVersion` bump moves every
 * add-on to the next row in one update, so consecutive rows of these differ by at most one minor.
 */
export const ONE_MINOR_AT_A_TIME: readonly EksAddon[] = ["vpc-cni"];

/** `vX.Y.Z-eksbuild.N` as numbers [X, Y, Z, N], to compare add-on versions. */
export function parseAddonVersion(version: string): [number, number, number, number] {
    const m = /^v(\d+)\.(\d+)\.(\d+)-eksbuild\.(\d+)$/.exec(version);
    if (!m) throw new Error(`"${version}" is not an EKS add-on version such as v1.20.4-eksbuild.2`);
    return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

/**
 * Why moving `addon` from `from` to `to` (the rows of two consecutive minors) is not an update EKS
 * accepts, or undefined: a downgrade (EKS refuses it and a bump must never undo a fix), or, for
 * the one-minor-at-a-time add-ons, a skipped minor or a new major.
 */
export function addonStepProblem(addon: EksAddon, from: string, to: string): string | undefined {
    const [a, b] = [parseAddonVersion(from), parseAddonVersion(to)];
    const order = a.findIndex((n, i) => n !== b[i]);
    if (order !== -1 && a[order] > b[order]) return `${addon} ${from} -> ${to} is a downgrade`;
    if (ONE_MINOR_AT_A_TIME.includes(addon) && (a[0] !== b[0] || b[1] - a[1] > 1)) return `${addon} ${from} -> ${to} skips a minor; EKS updates it one minor at a time`;
    return undefined;
}

/** The pinned version of `addon` for a cluster's `MAJOR.MINOR` (a patch, if given, is ignored). */
export function eksAddonVersion(kubernetesVersion: string, addon: EksAddon): string {
    const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(kubernetesVersion.trim());
    const row = m ? EKS_ADDON_VERSIONS[`${m[1]}.${m[2]}`] : undefined;
    if (row === undefined) {
        throw new Error(
            `no EKS add-on versions are pinned for Kubernetes ${kubernetesVersion}; pinned: ${Object.keys(EKS_ADDON_VERSIONS).join(", ")} (add a row to EKS_ADDON_VERSIONS from aws eks describe-addon-versions --kubernetes-version <minor>)`,
        );
    }
    return row[addon];
}

/**
 * Rules between keys: each is a small named function over the validated values, returning its
 * problems (refusals) or warnings. They run after every key has been read on its own, so one run
 * reports every problem at once. Messages name every key involved and both values.
 */
import { isArmMachineType } from "../facts/gcp/machines";
import { checkKubernetesVersion } from "../facts/versions";
import { GKE_DEFAULT_ZONES, type KeyName, type Values, fullName } from "./keys";
import { CLOUDS, type Cloud, MANAGED_CLOUDS } from "./domains";

export interface RuleContext {
    cloud: Cloud;
    /** Whether the user set the key (a default that adapts is not an error; an explicit value is). */
    isSet(key: KeyName): boolean;
    today: Date;
}

export interface RuleResult {
    problems?: string[];
    warnings?: string[];
}

export interface Rule {
    /** Shown by tests; say what must hold. */
    readonly name: string;
    readonly clouds: readonly Cloud[];
    check(v: Values, c: RuleContext): RuleResult;
}

const fail = (key: KeyName, message: string): RuleResult => ({ problems: [`${fullName(key)}: ${message}`] });
const ok: RuleResult = {};
const MANAGED: readonly Cloud[] = MANAGED_CLOUDS;
const ALL: readonly Cloud[] = CLOUDS;

/** A validated `KUBERNETES_QUANTITY` (`Mi`, `Gi`, `Ti`: powers of 1024) in GiB. */
export function quantityGiB(quantity: string): number {
    const n = Number(quantity.slice(0, -2));
    return { Mi: n / 1024, Gi: n, Ti: n * 1024 }[quantity.slice(-2) as "Mi" | "Gi" | "Ti"];
}

/**
 * GCE families that attach only Hyperdisk, never Persistent Disk (pd-ssd), checked 2026-12-01 against
 * cloud.google.com/compute/docs/disks#machine-type-disk-support: N4, N4A, N4D, C4, C4A, C4D, C3 and
 * C3D metal shapes, M4, H4D, and the accelerator/memory families X4, A4, A4X, H3 (H3 takes
 * pd-balanced only). Non-metal C3/C3D take pd-ssd. C4A is also Arm: refused here either way.
 */
export const HYPERDISK_ONLY_GCE = /^((c4|c4a|c4d|n4|n4a|n4d|m4|h4d|h3|x4|a4|a4x)-|c3d?-.*-metal$)/;

/** The zones node groups are spread over, which each need room for a node. */
export function zoneCount(v: Values, cloud: Cloud): number {
    if (cloud === "aws") return v.privateSubnetIds?.length ?? v.availabilityZones;
    if (cloud === "gcp") return GKE_DEFAULT_ZONES;
    return 0;
}

export const RULES: readonly Rule[] = [
    {
        name: "auto node mode refuses node-pool keys",
        clouds: MANAGED,
        check: (v, c) => {
            if (v.nodeMode !== "auto") return ok;
            const set = (["nodeSize", "minNodes", "maxNodes"] as const).filter((k) => c.isSet(k));
            return {
                problems: set.map(
                    (k) => `${fullName(k)}: applies only when platform:nodeMode is managed (this stack is auto: the cloud sizes its nodes); remove it with: pulumi config rm ${fullName(k)}`,
                ),
            };
        },
    },
    {
        name: "maxNodes >= minNodes",
        clouds: MANAGED,
        check: (v) =>
            v.nodeMode === "managed" && v.maxNodes < v.minNodes
                ? fail("maxNodes", `${v.maxNodes} is less than platform:minNodes (${v.minNodes}); expected maxNodes >= minNodes`)
                : ok,
    },
    {
        name: "maxNodes leaves every zone room for a node",
        clouds: ["aws", "gcp"],
        check: (v, c) => {
            const zones = zoneCount(v, c.cloud);
            if (v.nodeMode !== "managed" || !c.isSet("maxNodes") || v.maxNodes >= zones || v.maxNodes < v.minNodes) return ok;
            return c.cloud === "aws"
                ? fail("maxNodes", `${v.maxNodes} is less than the ${zones} availability zones; the nodes run in one group per zone and each needs room for a node; expected maxNodes >= ${zones}`)
                : fail("maxNodes", `${v.maxNodes} is less than the ${zones} zones of a regional GKE node pool, which keeps at least one node in each; expected maxNodes >= ${zones}`);
        },
    },
    {
        name: "node size suits the cloud's nodes and disks",
        clouds: ["aws", "gcp"],
        check: (v, c) => {
            if (c.cloud === "aws" && /^a1\./.test(v.nodeSize)) {
                return fail("nodeSize", `"${v.nodeSize}" is a first-generation Graviton type, for which @pulumi/eks selects an x86_64 AMI, so its nodes would never join; expected a Graviton 2+ type such as m7g.large, or an x86 type such as m6i.large`);
            }
            if (c.cloud === "gcp" && HYPERDISK_ONLY_GCE.test(v.nodeSize)) {
                return fail("nodeSize", `"${v.nodeSize}" takes only Hyperdisk volumes, so the platform's pd-ssd classes could not attach to it; expected a family that takes Persistent Disk, such as e2, n2, n2d, t2d, c3 or t2a (Arm)`);
            }
            // Arm pools turn GKE's arm64 NoSchedule taint off (components/gcp/facts.ts
            // gkeNodeTaintConfig); GKE accepts that from control plane 1.35.0-gke.2141000 on.
            const minor = Number(v.kubernetesVersion.split(".")[1]);
            if (c.cloud === "gcp" && v.nodeMode === "managed" && isArmMachineType(v.nodeSize) && minor < 35) {
                return fail("nodeSize", `"${v.nodeSize}" is Arm: GKE taints Arm nodes unless the pool turns the taint off, which needs Kubernetes 1.35 or later (platform:kubernetesVersion is ${v.kubernetesVersion}); expected platform:kubernetesVersion 1.35 or later, or an x86 family such as e2, n2 or t2d`);
            }
            return ok;
        },
    },
    {
        name: "an existing network is given whole",
        clouds: ["aws"],
        check: (_v, c) => {
            const keys = ["vpcId", "publicSubnetIds", "privateSubnetIds"] as const;
            const set = keys.filter((k) => c.isSet(k));
            if (set.length === 0 || set.length === 3) return ok;
            // One problem per missing key, filed under that key: the message says what to set.
            const given = set.map(fullName).join(" and ");
            return {
                problems: keys
                    .filter((k) => !c.isSet(k))
                    .map((k) => `${fullName(k)}: is required with ${given}: an existing network needs all of platform:vpcId, platform:publicSubnetIds and platform:privateSubnetIds. Set it with: pulumi config set --path '${fullName(k)}${k === "vpcId" ? "" : "[0]"}' <value>, or remove the others`),
            };
        },
    },
    {
        name: "a local object store is given whole",
        clouds: ["local"],
        check: (_v, c) => {
            const keys = ["postgresBackupS3Endpoint", "postgresBackupS3Bucket", "postgresBackupS3AccessKeyId", "postgresBackupS3SecretAccessKey"] as const;
            const set = keys.filter((k) => c.isSet(k));
            if (set.length === 0 || set.length === keys.length) return ok;
            const given = set.map(fullName).join(" and ");
            return {
                problems: keys
                    .filter((k) => !c.isSet(k))
                    .map((k) => `${fullName(k)}: is required with ${given}: uploads to an S3-compatible store need its endpoint, bucket, access key id and secret access key. Set it with: pulumi config set ${k.endsWith("Key") || k.endsWith("KeyId") ? "--secret " : ""}${fullName(k)} <value>, or remove the others`),
            };
        },
    },
    {
        name: "EKS gets private subnets in 2+ zones",
        clouds: ["aws"],
        check: (v) =>
            v.privateSubnetIds && v.privateSubnetIds.length < 2
                ? fail("privateSubnetIds", "EKS needs subnets in at least 2 availability zones; expected 2 or more private subnet ids")
                : ok,
    },
    {
        name: "the VPC block fits its zones",
        clouds: ["aws"],
        check: (v, c) => {
            if (!c.isSet("vpcCidr") && !c.isSet("availabilityZones")) return ok;
            // Each zone gets a private half and a public quarter of its share (components/aws/cluster.ts).
            const publicMask = Number(v.vpcCidr.split("/")[1]) + Math.ceil(Math.log2(v.availabilityZones)) + 2;
            return publicMask > 28
                ? fail("vpcCidr", `"${v.vpcCidr}" is too small for ${v.availabilityZones} availability zones (public subnets would be /${publicMask}; AWS allows /28 at most); expected a larger block such as 10.0.0.0/16`)
                : ok;
        },
    },
    {
        name: "AKS node-image channel upgrades node images itself",
        clouds: ["azure"],
        check: (v) =>
            v.upgradeChannel === "node-image" && v.nodeOsUpgradeChannel !== "NodeImage"
                ? fail("nodeOsUpgradeChannel", `"${v.nodeOsUpgradeChannel}" cannot be combined with platform:upgradeChannel node-image, which upgrades node images itself; expected NodeImage, or another platform:upgradeChannel`)
                : ok,
    },
    {
        name: "the Kubernetes version is one the cloud creates and the entry point supports",
        clouds: MANAGED,
        check: (v, c) => {
            if (c.cloud === "local" || !/^1\.[0-9]+$/.test(v.kubernetesVersion)) return ok;
            const verdict = checkKubernetesVersion({
                cloud: c.cloud,
                version: v.kubernetesVersion,
                controller: v.ingressController,
                controllerExplicit: c.isSet("ingressController"),
                extendedSupport: v.extendedSupport,
                today: c.today,
            });
            return {
                problems: verdict.error ? [`platform:kubernetesVersion: ${verdict.error}`] : [],
                warnings: verdict.warnings.map((w) => `platform:kubernetesVersion: ${w}`),
            };
        },
    },
    {
        name: "Let's Encrypt needs a domain",
        clouds: ALL,
        check: (v, c) =>
            v.acmeEmail !== undefined && !c.isSet("domain")
                ? fail("acmeEmail", "is set but platform:domain is not; Let's Encrypt needs a public domain. Set it with: pulumi config set platform:domain <name>")
                : ok,
    },
    {
        name: "appMaxReplicas >= appReplicas",
        clouds: ALL,
        check: (v) =>
            v.appMaxReplicas < v.appReplicas
                ? fail("appMaxReplicas", `${v.appMaxReplicas} is less than platform:appReplicas (${v.appReplicas}); expected appMaxReplicas >= appReplicas`)
                : ok,
    },
    {
        name: "premium volumes meet the disk's minimum size",
        clouds: ["aws", "gcp"],
        check: (v, c) => {
            if (v.storageTier !== "premium") return ok;
            // The CSI drivers do not round a claim up to the disk's minimum: a smaller claim stays Pending.
            const [min, disk] = c.cloud === "gcp" ? [10, "a regional pd-ssd disk"] : [4, "an io2 volume"];
            // The backups volume is checked once set: unset, it is made at the Postgres size, checked already.
            const backups = v.postgresBackupStorageSize !== undefined && v.postgresBackupSchedule !== "none" ? (["postgresBackupStorageSize"] as const) : [];
            const sizes = (["postgresStorageSize", "redisStorageSize", ...backups] as const).map((k) => [k, v[k] ?? ""] as const);
            const problems = sizes
                .filter(([, size]) => quantityGiB(size) < min)
                .map(([k, size]) => `${fullName(k)}: "${size}" is below the ${min}Gi minimum of ${disk} (platform:storageTier premium on ${c.cloud}); expected ${min}Gi or more`);
            return { problems };
        },
    },
    {
        name: "an open API endpoint is said out loud",
        clouds: MANAGED,
        check: (v) =>
            v.apiAllowedCidrs === undefined
                ? { warnings: ["platform:apiAllowedCidrs is unset: the Kubernetes API endpoint accepts connections from any address. Set it with: pulumi config set --path 'platform:apiAllowedCidrs[0]' 203.0.113.0/24 (include where Pulumi runs)"] }
                : ok,
    },
    {
        // A regional cluster takes a key of its own region (GKE "Encrypt Secrets at the application layer", checked 2026-12-07).
        name: "the GKE Secrets key is in the cluster's region",
        clouds: ["gcp"],
        check: (v) => {
            const key = v.secretsKmsKey;
            const location = key === undefined ? undefined : /\/locations\/([^/]+)\//.exec(key)?.[1];
            if (key === undefined || location === v["gcp:region"]) return ok;
            return { problems: [`platform:secretsKmsKey: "${key}" is in ${location ?? "no location"}, and GKE takes a key in the cluster's location only; expected a key in ${v["gcp:region"]} (gcp:region)`] };
        },
    },
    {
        name: "GKE group members need Google Groups for RBAC",
        clouds: ["gcp"],
        check: (v) => {
            if (v.gkeSecurityGroup !== undefined) return ok;
            // Without it GKE never puts a user's groups in the token: a `group:` binding matches nobody.
            const problems = (["clusterAdmins", "clusterReaders"] as const).flatMap((k) =>
                v[k]
                    .filter((m) => m.startsWith("group:"))
                    .map((m) => `${fullName(k)}: "${m}" is a group, and GKE sees groups only with Google Groups for RBAC; set platform:gkeSecurityGroup gke-security-groups@<your domain> (with this group a member of it), or name its users instead`),
            );
            const teamGroups = v.teams.flatMap((t) =>
                t.editors
                    .filter((m) => m.startsWith("group:"))
                    .map((m) => `platform:teams: "${t.name}" names "${m}", a group, and GKE sees groups only with Google Groups for RBAC; set platform:gkeSecurityGroup gke-security-groups@<your domain> (with this group a member of it), or name its users instead`),
            );
            return { problems: [...problems, ...teamGroups] };
        },
    },
];

/**
 * The architecture picture of a stack, read from its offline plan's inventory (what the program
 * registers), so a diagram drawn from it shows what the stack builds and cannot drift from the code:
 * the golden tests keep tests/golden/<stack>/inventory.json equal to the program's plan.
 */
import type { PlanResource } from "./plan-lib";

/** What a diagram shows, each part found in the inventory (absent: the stack does not build it). */
export interface Picture {
    /** The cluster resource (`EKS cluster`), or the kubeconfig context's cluster for local. */
    cluster: string;
    nodes?: string;
    autoscaler?: string;
    /** Entry points: `ingress-nginx`, `Envoy Gateway`, or both. */
    entries: string[];
    /** Addresses reserved outside the cluster for the entry point. */
    staticAddresses?: string;
    tls?: string;
    /** StorageClass and VolumeSnapshotClass names with their CSI driver. */
    storageClasses: string[];
    snapshotClasses: string[];
    backups?: string;
    observability?: string;
    registry: string;
    /** How the app image gets to the cluster. */
    imagePath: string;
}

const byType = (rs: readonly PlanResource[], type: string): PlanResource[] => rs.filter((r) => r.type === type);
const has = (rs: readonly PlanResource[], type: string): boolean => rs.some((r) => r.type === type);
const input = (r: PlanResource | undefined, path: string): unknown =>
    path.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), r?.inputs);
const text = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? String(v) : "?");
const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

function clusterOf(rs: readonly PlanResource[]): Pick<Picture, "cluster" | "nodes" | "autoscaler"> {
    const eks = byType(rs, "eks:index:Cluster")[0];
    if (eks) {
        const groups = byType(rs, "eks:index:ManagedNodeGroup");
        const auto = input(eks, "autoMode.enabled") === true;
        return {
            cluster: `EKS cluster ${text(input(eks, "version"))}${auto ? " (Auto Mode)" : ""}`,
            nodes: groups.length > 0 ? `${plural(groups.length, "managed node group")} (one per zone)` : auto ? "Auto Mode node pools (EKS-managed)" : undefined,
            autoscaler: has(rs, "platform:aws:ClusterAutoscaler") ? "Cluster Autoscaler (Helm, IAM role)" : auto ? "EKS Auto Mode scales nodes" : undefined,
        };
    }
    const gke = byType(rs, "gcp:container/cluster:Cluster")[0];
    if (gke) {
        const pool = byType(rs, "gcp:container/nodePool:NodePool")[0];
        const autopilot = input(gke, "enableAutopilot") === true;
        const scaling = input(pool, "autoscaling");
        return {
            cluster: `GKE cluster${autopilot ? " (Autopilot)" : ""}`,
            nodes: pool ? "node pool across the region's zones" : autopilot ? "Autopilot nodes (Google-managed)" : undefined,
            autoscaler: scaling
                ? `GKE cluster autoscaler (${text(input(pool, "autoscaling.totalMinNodeCount"))}-${text(input(pool, "autoscaling.totalMaxNodeCount"))} nodes)`
                : autopilot
                  ? "Autopilot scales nodes"
                  : undefined,
        };
    }
    const aks = byType(rs, "azure-native:containerservice:ManagedCluster")[0];
    if (aks) {
        const user = byType(rs, "azure-native:containerservice:AgentPool");
        const provisioned = input(aks, "nodeProvisioningProfile.mode") === "Auto";
        return {
            cluster: `AKS cluster${provisioned ? " (node auto-provisioning)" : ""}`,
            nodes: user.length > 0 ? `system pool + ${plural(user.length, "user pool")}` : "system pool",
            autoscaler: user.some((p) => input(p, "enableAutoScaling") === true)
                ? "AKS cluster autoscaler"
                : provisioned
                  ? "node auto-provisioning (Karpenter) scales nodes"
                  : undefined,
        };
    }
    return { cluster: "existing local cluster (kind, minikube or Docker Desktop)" };
}

function storageOf(rs: readonly PlanResource[]): Pick<Picture, "storageClasses" | "snapshotClasses" | "backups"> {
    const classes = byType(rs, "kubernetes:storage.k8s.io/v1:StorageClass").map((r) => `${text(input(r, "metadata.name"))} (${text(input(r, "provisioner"))})`);
    const snapshots = byType(rs, "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass").map((r) => `${text(input(r, "metadata.name"))} (${text(input(r, "driver"))})`);
    const cron = byType(rs, "kubernetes:batch/v1:CronJob").find((r) => r.name === "postgres-backup");
    return {
        storageClasses: classes.sort(),
        snapshotClasses: snapshots.sort(),
        backups: cron ? `pg_dump CronJob (${text(input(cron, "spec.schedule"))}) to its own volume` : undefined,
    };
}

function deliveryOf(rs: readonly PlanResource[]): Pick<Picture, "registry" | "imagePath" | "observability"> {
    const registry =
        byType(rs, "aws:ecr/repository:Repository").map(() => "ECR repository")[0] ??
        byType(rs, "gcp:artifactregistry/repository:Repository").map(() => "Artifact Registry repository")[0] ??
        byType(rs, "azure-native:containerregistry:Registry").map(() => "Azure Container Registry")[0] ??
        (has(rs, "command:local:Command") ? "the cluster's node image store (kind load)" : "no registry: platform:appImage is pulled as given");
    const image = byType(rs, "docker:index/image:Image")[0];
    const imagePath = !image
        ? "a pinned image (platform:appImage) the cluster pulls"
        : input(image, "skipPush") === true || has(rs, "command:local:Command")
          ? "docker build on the deployer's machine, then kind load into the nodes"
          : "docker build on the deployer's machine, docker push to the registry";
    const gke = byType(rs, "gcp:container/cluster:Cluster")[0];
    const observability = has(rs, "platform:aws:CloudWatchObservability")
        ? "CloudWatch Container Insights add-on and log groups"
        : has(rs, "platform:azure:AksMonitoring")
          ? "Azure Monitor: managed Prometheus and Container Insights"
          : input(gke, "monitoringConfig.managedPrometheus.enabled") === true
            ? "Cloud Monitoring: managed Prometheus and Cloud Logging"
            : undefined;
    return { registry, imagePath, observability };
}

/** The picture of one stack's inventory. */
export function pictureOf(rs: readonly PlanResource[]): Picture {
    const entries = [
        ...(has(rs, "platform:ingress:IngressNginx") ? ["ingress-nginx"] : []),
        ...(has(rs, "platform:ingress:EnvoyGateway") ? ["Envoy Gateway"] : []),
    ];
    const addresses = [
        ...byType(rs, "aws:ec2/eip:Eip"),
        ...byType(rs, "gcp:compute/address:Address"),
        ...byType(rs, "azure-native:network:PublicIPAddress"),
    ];
    return {
        ...clusterOf(rs),
        entries,
        staticAddresses: addresses.length > 0 ? plural(addresses.length, "static public IP") : undefined,
        tls: has(rs, "platform:tls:CertManager") ? "cert-manager (ClusterIssuer)" : undefined,
        ...storageOf(rs),
        ...deliveryOf(rs),
    };
}

const q = (s: string): string => `"${s.replace(/"/g, "'")}"`;

/** A Mermaid flowchart of a picture: who builds what, where traffic enters, where data lives. */
export function renderDiagram(p: Picture): string {
    const lines = ["```mermaid", "flowchart LR"];
    lines.push(`    deployer[${q("deployer's machine: pulumi up")}] -->|${q(p.imagePath)}| registry[${q(p.registry)}]`);
    lines.push(`    users((users)) -->|HTTP/HTTPS| ${p.staticAddresses ? `ips[${q(p.staticAddresses)}] --> ` : ""}entry`);
    lines.push(`    subgraph cluster[${q(p.cluster)}]`);
    lines.push(`        entry[${q(p.entries.join(" + ") || "no entry point")}] --> app[${q("visit-counter Deployment + HPA")}]`);
    lines.push(`        app --> redis[${q("Redis StatefulSet")}]`);
    // The visit counter uses Redis only; Postgres serves the teams' apps (platform:postgresClients).
    lines.push(`        postgres[${q("Postgres StatefulSet")}]`);
    if (p.backups) lines.push(`        postgres -.-> backups[${q(p.backups)}]`);
    if (p.tls) lines.push(`        tls[${q(p.tls)}] -.-> entry`);
    lines.push(`        storage[${q(`StorageClasses: ${p.storageClasses.join(", ")}`)}] -.-> postgres & redis`);
    if (p.snapshotClasses.length > 0) lines.push(`        snapshots[${q(`VolumeSnapshotClass: ${p.snapshotClasses.join(", ")}`)}] -.-> storage`);
    if (p.nodes) lines.push(`        nodes[${q(p.nodes)}]`);
    if (p.autoscaler) lines.push(`        autoscaler[${q(p.autoscaler)}] -.-> ${p.nodes ? "nodes" : "app"}`);
    lines.push("    end");
    lines.push(`    registry -->|image pull| app`);
    if (p.observability) lines.push(`    cluster -.->|metrics and logs| observability[${q(p.observability)}]`);
    lines.push("```");
    return lines.join("\n");
}

/**
 * The Google Cloud project checks the preflight runs before anything is registered: the APIs the
 * stack uses but does not enable itself, and the regional quotas (CPUs of the node family, SSD
 * gigabytes, in-use addresses) against what the stack will hold. The verdicts are plain functions;
 * `gcpInvokeReads` reads the project through the Google provider's read-only data sources.
 */
import * as gcp from "@pulumi/gcp";
import { type Finding, type PreflightCheck, UnreadableError, quotaShortfall } from "../cluster/preflight";
import type { GcpConfig } from "../../config";

/** An API the stack needs on the project before `pulumi up`. */
export interface RequiredApi {
    service: string;
    why: string;
}

/**
 * APIs the stack uses but does not turn on itself (GkeCluster enables compute, container, iam,
 * cloudresourcemanager and file through `gcp.projects.Service`, which needs Service Usage on):
 * Artifact Registry for the image repository, and with native observability Cloud Logging and
 * Cloud Monitoring, which GKE writes the cluster's logs and metrics to.
 */
export function requiredApis(config: Pick<GcpConfig, "cluster">): RequiredApi[] {
    const apis: RequiredApi[] = [
        { service: "serviceusage.googleapis.com", why: "the stack turns on compute, container, iam, cloudresourcemanager and file through it" },
        { service: "artifactregistry.googleapis.com", why: "the stack creates the Artifact Registry repository the app image is pushed to" },
    ];
    if (config.cluster.observability === "native") {
        apis.push(
            { service: "logging.googleapis.com", why: "platform:observability native sends the cluster's system and workload logs to Cloud Logging" },
            { service: "monitoring.googleapis.com", why: "platform:observability native sends system metrics and Managed Service for Prometheus data to Cloud Monitoring" },
        );
    }
    return apis;
}

/** A finding for every required API that is not on. */
export function apiFindings(enabled: ReadonlyMap<string, boolean>, apis: readonly RequiredApi[], project: string): Finding[] {
    return apis
        .filter((api) => enabled.get(api.service) === false)
        .map((api) => ({
            severity: "error" as const,
            what: `the ${api.service} API is not enabled on project ${project}`,
            why: api.why,
            fix: `gcloud services enable ${api.service} --project ${project} (or the console: APIs & Services → Library → ${api.service} → Enable)`,
        }));
}

/**
 * Cloud Quotas ids (service compute.googleapis.com) of the regional CPU quota a machine family
 * counts against: E2 and N1 share `CPUS`, N2 and N2D have their own. Others are not judged.
 * Ids as the Cloud Quotas API names them, checked 2026-12-07.
 */
export function cpuQuotaId(machineType: string): string | undefined {
    const family = machineType.split("-")[0].toLowerCase();
    if (family === "e2" || family === "n1") return "CPUS-per-project-region";
    if (family === "n2") return "N2-CPUS-per-project-region";
    if (family === "n2d") return "N2D-CPUS-per-project-region";
    return undefined;
}
export const ALL_REGIONS_CPU_QUOTA = "CPUS-ALL-REGIONS-per-project";
export const SSD_QUOTA = "SSD-TOTAL-GB-per-project-region";
export const ADDRESS_QUOTA = "IN-USE-ADDRESSES-per-project-region";

/** GiB of a Kubernetes quantity in Mi, Gi or Ti (the config's sizes), rounded up. */
export function gibOf(quantity: string): number {
    const m = /^(\d+)(Mi|Gi|Ti)$/.exec(quantity);
    if (!m) throw new Error(`"${quantity}" is not a size in Mi, Gi or Ti`);
    const n = Number(m[1]);
    return Math.ceil(m[2] === "Mi" ? n / 1024 : m[2] === "Ti" ? n * 1024 : n);
}

/** Boot disk of a Standard node (GkeCluster's `nodeDiskSizeGb` default), pd-balanced. */
export const GKE_NODE_DISK_GB = 100;

/**
 * What the stack holds of the regional quotas at most: CPUs and boot disks of maxNodes nodes
 * (Standard only: Autopilot sizes its own nodes), the data volumes (all SSD persistent disks), and
 * two in-use addresses (the ingress load balancer's reserved address and Cloud NAT's first).
 */
export function gcpNeeds(config: Pick<GcpConfig, "cluster" | "workloads">, cpusPerNode: number): { cpus: number; ssdGb: number; addresses: number } {
    const managed = config.cluster.nodeMode === "managed";
    const w = config.workloads;
    const volumes = [w.postgresStorageSize, w.redisStorageSize, ...(w.postgresBackupSchedule === "none" ? [] : [w.postgresBackupStorageSize ?? w.postgresStorageSize])];
    const data = volumes.reduce((sum, q) => sum + gibOf(q), 0);
    return {
        cpus: managed ? config.cluster.maxNodes * cpusPerNode : 0,
        ssdGb: (managed ? config.cluster.maxNodes * GKE_NODE_DISK_GB : 0) + data,
        addresses: 2,
    };
}

/** One quota against one need: a finding when the need does not fit. */
export function quotaFinding(quotaId: string, limit: number, need: number, scope: string, project: string, because: string): Finding[] {
    if (quotaShortfall(limit, need) === undefined) return [];
    return [
        {
            severity: "error",
            what: `the ${quotaId} quota of project ${project} in ${scope} is ${limit}; the stack needs ${need} (${because})`,
            why: "GKE, Compute Engine and the CSI driver refuse what exceeds a quota: nodes are not created, volumes stay Pending",
            fix: `request an increase to at least ${need}: console → IAM & Admin → Quotas & System Limits → filter ${quotaId} (${scope}) → Edit`,
        },
    ];
}

/** A Cloud Quotas `QuotaInfo`, as far as the checks read it. */
export interface QuotaInfo {
    dimensionsInfos: { dimensions: Readonly<Record<string, string>>; details: { value: string }[] }[];
}

/**
 * The quota's value in `region` (or the project-wide value when `region` is undefined): the
 * dimensions info for that region, else the one without a region dimension that applies to every
 * region. -1 is unlimited. Undefined when the info has neither.
 */
export function quotaValue(info: QuotaInfo, region?: string): number | undefined {
    const infos = info.dimensionsInfos;
    const exact = region === undefined ? undefined : infos.find((d) => d.dimensions.region === region);
    const general = infos.find((d) => d.dimensions.region === undefined);
    const value = (exact ?? general)?.details[0]?.value;
    return value === undefined ? undefined : Number(value);
}

/** What the checks read of the project; `gcpInvokeReads` by default, a stand-in in tests. */
export interface GcpReads {
    /** Whether the API is enabled (false for Service Usage when the read says it is off). */
    apiEnabled(service: string): Promise<boolean>;
    /** A compute.googleapis.com quota, regional or (region undefined) project-wide. */
    quota(quotaId: string, region?: string): Promise<number>;
    /** vCPUs of a machine type, in one of the region's zones; undefined where it is not offered. */
    cpusOf(machineType: string, region: string): Promise<number | undefined>;
}

/** An API being off (`serviceusage.googleapis.com`, …), in the words the Google APIs use for it. */
export function apiOff(message: string, service: string): boolean {
    return message.toLowerCase().includes(service) && /(disabled|has not been used|SERVICE_DISABLED)/i.test(message);
}

/** The Service Usage API being off. */
export function serviceUsageOff(message: string): boolean {
    return apiOff(message, "serviceusage.googleapis.com");
}

/** A failed quota read, with the step that makes it work when the Cloud Quotas API is off. */
export function quotaReadError(error: unknown, project: string): unknown {
    const message = error instanceof Error ? error.message : String(error);
    if (!apiOff(message, "cloudquotas.googleapis.com")) return error;
    return new UnreadableError(message, `gcloud services enable cloudquotas.googleapis.com --project ${project} (the preflight reads quotas through it)`);
}

/**
 * The reads, through the Google provider's data sources (@pulumi/gcp 9.37, checked 2026-12-07):
 * `projects.getProjectService` (serviceusage.services.get; the Terraform data source behind it
 * leaves the id empty for a service that is not enabled, hashicorp/terraform-provider-google
 * resource_google_project_service.go Read), `cloudquota.getSQuotaInfo` (cloudquotas.quotas.get;
 * parent `projects/<id>`, service, quotaId), `compute.getZones` and `compute.getMachineTypes`
 * (compute.zones.list, compute.machineTypes.list; `guestCpus`).
 */
export function gcpInvokeReads(project: string): GcpReads {
    return {
        apiEnabled: async (service) => {
            try {
                const s = await gcp.projects.getProjectService({ project, service });
                return typeof s.id === "string" && s.id !== "";
            } catch (e) {
                const message = e instanceof Error ? e.message : String(e);
                if (serviceUsageOff(message) && service === "serviceusage.googleapis.com") return false;
                throw e;
            }
        },
        quota: async (quotaId, region) => {
            let info: QuotaInfo;
            try {
                info = await gcp.cloudquota.getSQuotaInfo({ parent: `projects/${project}`, service: "compute.googleapis.com", quotaId });
            } catch (e) {
                throw quotaReadError(e, project);
            }
            const value = quotaValue(info, region);
            if (value === undefined) throw new Error(`${quotaId} has no value for ${region ?? "the project"}`);
            return value;
        },
        cpusOf: async (machineType, region) => {
            const zones = (await gcp.compute.getZones({ project, region, status: "UP" })).names;
            if (zones.length === 0) throw new Error(`region ${region} lists no zone that is UP`);
            const types = await gcp.compute.getMachineTypes({ project, zone: zones[0], filter: `name = "${machineType}"` });
            return types.machineTypes[0]?.guestCpus;
        },
    };
}

function apiCheck(config: GcpConfig, reads: GcpReads): PreflightCheck {
    return {
        id: "gcp-apis",
        reads: "cloud",
        run: async () => {
            const [serviceUsage, ...others] = requiredApis(config);
            // With Service Usage off no other API's state can be read: that one finding says it all.
            if (!(await reads.apiEnabled(serviceUsage.service))) return apiFindings(new Map([[serviceUsage.service, false]]), [serviceUsage], config.gcp.project);
            const states = await Promise.all(others.map(async (a) => [a.service, await reads.apiEnabled(a.service)] as const));
            return apiFindings(new Map(states), others, config.gcp.project);
        },
    };
}

/** A family without a regional CPU quota id here: said, not judged. */
function otherFamilyFinding(machineType: string): Finding {
    return {
        severity: "warning",
        what: `the regional CPU quota of ${machineType}'s family was not checked (only E2, N1, N2 and N2D are)`,
        why: "the node pool grows to maxNodes of them, each counted against that family's CPU quota",
        fix: "compare maxNodes × its vCPUs with the family's quota: console → IAM & Admin → Quotas & System Limits → filter <FAMILY>-CPUS",
    };
}

function quotaCheck(config: GcpConfig, reads: GcpReads): PreflightCheck {
    return {
        id: "gcp-quotas",
        reads: "cloud",
        run: async () => {
            const { project, region } = config.gcp;
            const managed = config.cluster.nodeMode === "managed";
            const cpus = managed ? await reads.cpusOf(config.cluster.nodeSize, region) : 0;
            if (cpus === undefined) {
                return [
                    {
                        severity: "warning",
                        what: `machine type ${config.cluster.nodeSize} is not offered in the first zone of ${region}; the CPU quota was not checked`,
                        why: "GKE creates the node pool's nodes in the region's zones; a type missing from one of them fails there",
                        fix: `gcloud compute machine-types list --filter="name=${config.cluster.nodeSize}" --project ${project}, then pick a type every zone of ${region} offers: pulumi config set platform:nodeSize <type>`,
                    },
                ];
            }
            const need = gcpNeeds(config, cpus);
            const findings: Finding[] = [];
            const familyQuota = managed ? cpuQuotaId(config.cluster.nodeSize) : undefined;
            const cpuReason = `maxNodes ${config.cluster.maxNodes} × ${cpus} vCPUs of ${config.cluster.nodeSize}`;
            if (familyQuota !== undefined) findings.push(...quotaFinding(familyQuota, await reads.quota(familyQuota, region), need.cpus, region, project, cpuReason));
            else if (managed) findings.push(otherFamilyFinding(config.cluster.nodeSize));
            if (managed) findings.push(...quotaFinding(ALL_REGIONS_CPU_QUOTA, await reads.quota(ALL_REGIONS_CPU_QUOTA), need.cpus, "all regions", project, cpuReason));
            const ssdReason = `${managed ? `${config.cluster.maxNodes} node boot disks of ${GKE_NODE_DISK_GB} GB and ` : ""}the Postgres, Redis and backup volumes`;
            findings.push(...quotaFinding(SSD_QUOTA, await reads.quota(SSD_QUOTA, region), need.ssdGb, region, project, ssdReason));
            findings.push(...quotaFinding(ADDRESS_QUOTA, await reads.quota(ADDRESS_QUOTA, region), need.addresses, region, project, "the ingress load balancer's reserved address and Cloud NAT's"));
            return findings;
        },
    };
}

/** The GCP target's checks. */
export function gcpPreflight(config: GcpConfig, reads: GcpReads = gcpInvokeReads(config.gcp.project)): PreflightCheck[] {
    return [apiCheck(config, reads), quotaCheck(config, reads)];
}

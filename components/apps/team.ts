/**
 * An application team's namespace: Pod Security `restricted` and default-deny networking with DNS
 * (`AppNamespace`, the same as the platform's own apps), a ResourceQuota and a LimitRange, and
 * Kubernetes' `edit` role for the team's editors. The entry point is allowed to route to it where
 * it needs to be told (the Gateway's listeners admit the namespace: stacks/platform.ts hands the
 * team names to Envoy Gateway's `routeNamespaces`); traffic from the entry point's data plane is
 * then admitted per app by the `App`'s own NetworkPolicy, on its port only, not namespace-wide.
 *
 * How the editors become RBAC subjects is the cloud's (`TeamAccess` in the cluster contract).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TeamConfig } from "../../config/teams";
import type { DnsFacts, TeamAccess } from "../cluster/contract";
import { AppNamespace } from "../platform/namespace";
import { PART_OF } from "../platform/workload-security";
import type { TeamFacts } from "./contract";
import { quantityValue } from "./quantity";

/** A team as an app stack reads it in the platform contract. */
export function teamFacts(team: TeamConfig): TeamFacts {
    const { cpu, memory, storage, pods, services, persistentVolumeClaims } = team.quota;
    return { name: team.name, namespace: team.name, quota: { cpu, memory, storage, objects: { pods, services, persistentvolumeclaims: persistentVolumeClaims } } };
}

/**
 * The ResourceQuota's `hard`: the team's requests and object counts, and no Service of type
 * LoadBalancer or NodePort: the platform's one load balancer is the entry point's (the policy pack
 * refuses others in the preview; this refuses them at admission too, for what a team applies itself).
 * Every key is one the quota admission plugin counts (Kubernetes "Resource Quotas" and "Configure
 * Quotas for API Objects", checked 2026-12-07).
 */
export function teamQuotaHard(team: TeamConfig): Record<string, string> {
    const q = team.quota;
    return {
        "requests.cpu": q.cpu,
        "requests.memory": q.memory,
        "requests.storage": q.storage,
        pods: String(q.pods),
        services: String(q.services),
        persistentvolumeclaims: String(q.persistentVolumeClaims),
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    };
}

/** What a container gets when it asks for nothing: small, so a forgotten request never eats the quota. */
export const DEFAULT_CONTAINER_REQUEST = { cpu: "100m", memory: "128Mi" } as const;

/** The smaller of two quantities of the same unit, as written. */
function smaller(a: string, b: string): string {
    return (quantityValue(a) ?? 0) <= (quantityValue(b) ?? 0) ? a : b;
}

/**
 * The LimitRange: a default request for containers that give none (a quota on requests refuses a
 * pod without them), no container beyond the team's whole quota (also its default limit: the API
 * server defaults a Container item's missing `default` to its `max`, k8s.io/kubernetes
 * pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem, checked 2026-12-07; no smaller default
 * limit, which would refuse a container that requests more than it without setting a limit), and
 * no claim beyond the storage quota.
 */
export function teamLimitRange(team: TeamConfig): k8s.types.input.core.v1.LimitRangeSpec {
    const q = team.quota;
    return {
        limits: [
            {
                type: "Container",
                defaultRequest: { cpu: smaller(DEFAULT_CONTAINER_REQUEST.cpu, q.cpu), memory: smaller(DEFAULT_CONTAINER_REQUEST.memory, q.memory) },
                max: { cpu: q.cpu, memory: q.memory },
            },
            { type: "PersistentVolumeClaim", max: { storage: q.storage } },
        ],
    };
}

/** What one app of a team asks of its quota at most: every pod at its largest scale, and its claims. */
export interface AppRequests {
    name: string;
    /** Requests of one pod (the sum of its containers'). */
    podCpu: string;
    podMemory: string;
    /** The most pods it runs at once: the autoscaler's maximum plus a rolling update's surge. */
    pods: number;
    /** Storage its claims request, in total. Default none. */
    storage?: string;
    /** Default 1. */
    services?: number;
    /** Default 0. */
    persistentVolumeClaims?: number;
}

/** The part of an App's arguments that decides what it asks of a quota (structurally `AppArgs`). */
export interface AppQuotaShape {
    replicas?: number;
    autoscaling?: { maxReplicas: number };
    resources: { requests: { cpu: string; memory: string } };
    volumes?: readonly { size: string }[];
    scratch?: readonly { sizeMi: number; memory?: boolean }[];
}

/**
 * What an App asks of its team's quota at most: its largest replica count plus a rolling update's
 * surge (a Deployment's default `maxSurge` is 25%, rounded up: Kubernetes "Deployments", checked
 * 2026-12-07), each at its requests, one Service, and its claims. `replicas` defaults to 2, as `App`'s.
 */
export function appQuotaRequests(name: string, args: AppQuotaShape): AppRequests {
    const most = args.autoscaling?.maxReplicas ?? args.replicas ?? 2;
    const volumes = args.volumes ?? [];
    const storageMi = volumes.reduce((s, v) => s + (quantityValue(v.size) ?? 0) / 2 ** 20, 0);
    return {
        name,
        podCpu: args.resources.requests.cpu,
        podMemory: args.resources.requests.memory,
        pods: most + Math.ceil(most / 4),
        storage: `${Math.ceil(storageMi)}Mi`,
        services: 1,
        persistentVolumeClaims: volumes.length,
    };
}

/**
 * What is wrong with fitting `apps` into the team's quota, one line per exceeded resource, naming
 * the team, what the apps ask in total and what the quota allows; empty when they fit. A quota
 * below what its apps request lets the first replicas start and refuses the rest at admission,
 * which Pulumi reports only as a Deployment that never becomes ready.
 */
export function checkQuota(team: TeamFacts, apps: readonly AppRequests[]): string[] {
    const asked = {
        cpu: apps.reduce((s, a) => s + (quantityValue(a.podCpu) ?? 0) * a.pods, 0),
        memory: apps.reduce((s, a) => s + (quantityValue(a.podMemory) ?? 0) * a.pods, 0),
        storage: apps.reduce((s, a) => s + (quantityValue(a.storage ?? "0") ?? 0), 0),
        pods: apps.reduce((s, a) => s + a.pods, 0),
        services: apps.reduce((s, a) => s + (a.services ?? 1), 0),
        persistentvolumeclaims: apps.reduce((s, a) => s + (a.persistentVolumeClaims ?? 0), 0),
    };
    const allowed: Record<keyof typeof asked, number | undefined> = {
        cpu: quantityValue(team.quota.cpu),
        memory: quantityValue(team.quota.memory),
        storage: quantityValue(team.quota.storage),
        pods: team.quota.objects?.pods,
        services: team.quota.objects?.services,
        persistentvolumeclaims: team.quota.objects?.persistentvolumeclaims,
    };
    const shown: Record<keyof typeof asked, string | undefined> = { cpu: team.quota.cpu, memory: team.quota.memory, storage: team.quota.storage, pods: undefined, services: undefined, persistentvolumeclaims: undefined };
    const names = apps.map((a) => a.name).join(", ");
    return (Object.keys(asked) as (keyof typeof asked)[]).flatMap((k) => {
        const limit = allowed[k];
        // Compared in millis, so 0.1 + 0.2 cores is not "more" than 300m.
        if (limit === undefined || Math.round(asked[k] * 1000) <= Math.round(limit * 1000)) return [];
        const quota = shown[k] ?? String(limit);
        const want = k === "cpu" ? `${Math.round(asked[k] * 1000)}m` : k === "memory" || k === "storage" ? `${Math.ceil(asked[k] / 2 ** 20)}Mi` : String(asked[k]);
        return [`team "${team.name}": ${names} request ${want} of ${k} at their largest scale, above the team's quota of ${quota}; raise the quota in platform:teams or lower the apps' requests or replicas`];
    });
}

export interface TeamArgs {
    /** The team as configured (`platform:teams`). */
    team: TeamConfig;
    /** Where the cluster's pods resolve names (`ClusterTarget.dns`). */
    dns: DnsFacts;
    /** How the cluster names the editors (`ClusterTarget.teamAccess`). */
    access: TeamAccess;
    /**
     * `platform:protectData`: the namespace is `protect`ed, so taking the team out of
     * `platform:teams` or renaming it (a new namespace, the old one deleted) is refused in the
     * preview instead of deleting the apps and claims that app stacks put there (pulumi/pulumi
     * DeleteStep.Apply refuses a protected delete in the preview too, checked 2026-12-07; with
     * `--skip-preview` a rename's new namespace is made before the refusal). Default false.
     */
    protectData?: boolean;
}

export class Team extends pulumi.ComponentResource {
    /** The namespace name, known once it exists (dependents wait for it). */
    readonly namespace: pulumi.Output<string>;
    /** The team as the platform contract carries it. */
    readonly facts: TeamFacts;

    constructor(name: string, args: TeamArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Team", name, {}, opts);
        const team = args.team;
        const ns = new AppNamespace(`${name}-namespace`, { name: team.name, dns: args.dns, protect: args.protectData ?? false }, { parent: this });
        this.namespace = ns.name;
        this.facts = teamFacts(team);
        const labels = { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": "pulumi" };
        const metadata = (objectName: string): k8s.types.input.meta.v1.ObjectMeta => ({ name: objectName, namespace: this.namespace, labels });

        new k8s.core.v1.ResourceQuota(`${name}-quota`, { metadata: metadata("team-quota"), spec: { hard: teamQuotaHard(team) } }, { parent: this });
        new k8s.core.v1.LimitRange(`${name}-limits`, { metadata: metadata("team-limits"), spec: teamLimitRange(team) }, { parent: this });

        const subjects = args.access.subjects(team);
        if (subjects.length > 0) {
            // Subjects change in place; the role never does (roleRef is immutable).
            new k8s.rbac.v1.RoleBinding(
                `${name}-editors`,
                { metadata: metadata("team-editors"), roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" }, subjects },
                { parent: this },
            );
        }
        this.registerOutputs({ namespace: this.namespace });
    }
}

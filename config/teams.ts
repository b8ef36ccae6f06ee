/**
 * `platform:teams`: the application teams the platform hosts. Each team gets a namespace of its own
 * (components/apps/team.ts), `edit` in it for its editors, and a quota. One shape on every cloud;
 * each cloud checks its own principal format (the same as `platform:clusterAdmins`, ./keys.ts).
 */
import { type Kind, integer, list, record, records, text } from "./kinds";

export interface TeamQuota {
    /** Sum of the CPU requests of the team's pods (`requests.cpu`), e.g. `2` or `1500m`. */
    readonly cpu: string;
    /** Sum of the memory requests of the team's pods (`requests.memory`), e.g. `4Gi`. */
    readonly memory: string;
    /** Sum of the storage its claims request (`requests.storage`), e.g. `20Gi`. */
    readonly storage: string;
    readonly pods: number;
    readonly services: number;
    readonly persistentVolumeClaims: number;
}

export interface TeamConfig {
    /** The team's name, which is also its namespace's: a DNS label. */
    readonly name: string;
    /** Principals given Kubernetes' `edit` role in the namespace, in the cloud's format. */
    readonly editors: readonly string[];
    readonly quota: TeamQuota;
}

/**
 * A team's quota when the stack leaves it (or a field of it) out. The default cluster holds 2 to 5
 * nodes of 2 vCPU and 8 GiB (m6i.large, e2-standard-4 is 4 vCPU/16 GiB, Standard_D4s_v5 likewise), so
 * 2 CPUs and 4Gi of requests lets a few teams reach their ceiling beside the platform's own pods
 * before the autoscaler's maximum; 30 pods hold three or four services with rolling-update surges
 * and Jobs; 10 Services are the services and their headless peers; 5 claims and 20Gi are a small
 * database or two. Raise them per team: a quota is a ceiling, not a reservation.
 */
export const DEFAULT_TEAM_QUOTA: TeamQuota = { cpu: "2", memory: "4Gi", storage: "20Gi", pods: 30, services: 10, persistentVolumeClaims: 5 };

/**
 * Namespaces the platform or the clusters it runs on already use: a team named like one would be
 * handed (and could break) the platform's own workloads. `kube-` is Kubernetes' own prefix.
 * tests/config/teams.test.ts holds this list to every namespace constant the components declare.
 */
export const PLATFORM_NAMESPACES: readonly string[] = [
    "default",
    "apps",
    "ingress-nginx",
    "envoy-gateway-system",
    "cert-manager",
    // CloudWatch's agent (EKS), Managed Prometheus (GKE), kind's volume provisioner (local).
    "amazon-cloudwatch",
    "gmp-system",
    "gmp-public",
    "local-path-storage",
];
const RESERVED_PREFIXES = ["kube-", "gke-", "azure-", "aks-"] as const;

/** Why `name` may not be a team's, if it may not. */
export function reservedTeamName(name: string): string | undefined {
    if (PLATFORM_NAMESPACES.includes(name)) return `"${name}" is a namespace the platform uses`;
    const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
    return prefix === undefined ? undefined : `"${name}" starts with "${prefix}", which the cluster's own namespaces use`;
}

// A namespace name is an RFC 1123 label (Kubernetes "Object Names and IDs", checked 2026-12-07).
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Kubernetes quantities, written the way a reviewer reads them: whole or decimal cores or millicores;
// sizes in Mi, Gi or Ti. Zero is refused: a zero quota admits no pod at all.
const CPU = /^([1-9][0-9]*|[0-9]+\.[0-9]*[1-9]|[1-9][0-9]*m)$/;
const SIZE = /^[1-9][0-9]*(Mi|Gi|Ti)$/;

const quotaKind: Kind<TeamQuota> = record<TeamQuota>("quota", {
    cpu: { kind: text(CPU, "a CPU quantity above zero such as 2, 1.5 or 500m"), default: DEFAULT_TEAM_QUOTA.cpu },
    memory: { kind: text(SIZE, "a size in Mi, Gi or Ti such as 4Gi"), default: DEFAULT_TEAM_QUOTA.memory },
    storage: { kind: text(SIZE, "a size in Mi, Gi or Ti such as 20Gi"), default: DEFAULT_TEAM_QUOTA.storage },
    pods: { kind: integer(1, 10000), default: DEFAULT_TEAM_QUOTA.pods },
    services: { kind: integer(1, 1000), default: DEFAULT_TEAM_QUOTA.services },
    persistentVolumeClaims: { kind: integer(0, 1000), default: DEFAULT_TEAM_QUOTA.persistentVolumeClaims },
});

/** Duplicate and reserved names, across the whole list. */
export function teamListProblems(teams: readonly TeamConfig[]): string[] {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const team of teams) {
        if (seen.has(team.name)) problems.push(`"${team.name}" is named twice; each team is one namespace`);
        seen.add(team.name);
        const reserved = reservedTeamName(team.name);
        if (reserved !== undefined) problems.push(`${reserved}; choose another team name`);
    }
    return problems;
}

/** The kind of `platform:teams`, given what is wrong with one editor on this cloud. */
export function teamsKind(principals: string, editorProblem: (v: string) => string | undefined): Kind<TeamConfig[]> {
    const team = record<TeamConfig>("team", {
        name: { kind: text(DNS_LABEL, "a DNS label (lower-case letters, digits and -, at most 63) such as shop") },
        editors: { kind: list(principals, editorProblem, { allowEmpty: true }), default: [] },
        quota: { kind: quotaKind, default: DEFAULT_TEAM_QUOTA },
    });
    return records("teams", team, teamListProblems);
}

/**
 * `platform:teams`: the application teams the platform hosts. Each team gets a namespace of its own
 * (components/apps/team.ts), `edit` in it for its editors, and a quota. One shape on every cloud;
 * each cloud checks its own principal format (the same as `platform:clusterAdmins`, ./keys.ts).
 */
import { boolean, type Kind, integer, list, record, records, text } from "./kinds";

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
    /**
     * A Postgres database of the team's own in the platform's Postgres: a role and a database named
     * after the team (`-` as `_`), its password as a Secret in the team's namespace, and the team's
     * pods that carry the client label admitted. Default false.
     */
    readonly postgres: boolean;
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
    // CloudWatch's agent (EKS), Managed Prometheus (GKE).
    "amazon-cloudwatch",
    "gmp-system",
    "gmp-public",
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

/**
 * Role and database names a team's database may not take: the superuser and its database
 * (`postgres`; the Job would strip the superuser of its rights), the templates, and the names
 * Postgres refuses for a role (`public`, `none`, and the `pg_` prefix: the regression test
 * src/test/regress/sql/rolenames.sql and commit 293007898d "Reserve the pg_ namespace for roles",
 * checked 2026-12-07).
 */
const RESERVED_DATABASE_NAMES: readonly string[] = ["postgres", "template0", "template1", "public", "none"];

/** The database Job's name is the team's with this suffix (postgres-database.ts `databaseJobName`), a label value of at most 63 characters. */
const JOB_SUFFIX = "-db-setup";
export const MAX_DATABASE_TEAM_NAME_LENGTH = 63 - JOB_SUFFIX.length;

/**
 * Why a team named `name` cannot have a database of its own, if it cannot. The names are the ones
 * components/workloads/postgres-database.ts gives: `databaseName` (`-` as `_`) and `databaseJobName`.
 */
export function teamDatabaseProblem(name: string): string | undefined {
    const database = name.replace(/-/g, "_");
    if (RESERVED_DATABASE_NAMES.includes(database) || database.startsWith("pg_")) {
        return `"${name}" asks for postgres, but its database and role would be "${database}", which Postgres reserves or uses itself; choose another team name or leave postgres false`;
    }
    if (name.length > MAX_DATABASE_TEAM_NAME_LENGTH) {
        return `"${name}" asks for postgres, but its database's Job "${name}${JOB_SUFFIX}" would be longer than a label's 63 characters; a team with a database has a name of at most ${MAX_DATABASE_TEAM_NAME_LENGTH}`;
    }
    return undefined;
}

/** Duplicate and reserved names, across the whole list. */
export function teamListProblems(teams: readonly TeamConfig[]): string[] {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const team of teams) {
        if (seen.has(team.name)) problems.push(`"${team.name}" is named twice; each team is one namespace`);
        seen.add(team.name);
        const reserved = reservedTeamName(team.name);
        if (reserved !== undefined) problems.push(`${reserved}; choose another team name`);
        const database = team.postgres ? teamDatabaseProblem(team.name) : undefined;
        if (database !== undefined) problems.push(database);
    }
    return problems;
}

/** The kind of `platform:teams`, given what is wrong with one editor on this cloud. */
export function teamsKind(principals: string, editorProblem: (v: string) => string | undefined): Kind<TeamConfig[]> {
    const team = record<TeamConfig>("team", {
        name: { kind: text(DNS_LABEL, "a DNS label (lower-case letters, digits and -, at most 63) such as shop") },
        editors: { kind: list(principals, editorProblem, { allowEmpty: true }), default: [] },
        quota: { kind: quotaKind, default: DEFAULT_TEAM_QUOTA },
        postgres: { kind: boolean, default: false },
    });
    return records("teams", team, teamListProblems);
}

/**
 * The App component's arguments: the typed interfaces a team writes, their documented defaults
 * (`resolveAppArgs`) and the checks that refuse bad input before any resource exists
 * (`validateAppArgs`, `AppArgsError`). Kept apart from what the arguments become so a reader can see
 * everything an app may ask for, and everything refused, in one place.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appImageProblem } from "../../config/keys";
import type { StorageRole } from "../cluster/contract";
import type { RedisConnection } from "../workloads/redis";
import type { PostgresDatabaseConnection } from "../workloads/postgres-database";
import { type AppPlatform, CONTRACT_NONE, type EntryPointFacts, type PeerData, type TeamDatabaseFacts } from "./contract";
import { QUANTITY } from "./quantity";

/** The uid apps run as unless they say otherwise (the visit counter's Dockerfile `USER 10001:10001`). */
export const DEFAULT_APP_UID = 10001;
export const DEFAULT_SERVICE_PORT = 80;
export const DEFAULT_REPLICAS = 2;
export const DEFAULT_CPU_TARGET_UTILIZATION = 70;
export const DEFAULT_PRE_STOP_SLEEP_SECONDS = 5;
/** A writable `/tmp` (the root filesystem is read-only), lost with the pod. */
export const DEFAULT_SCRATCH: readonly AppScratch[] = [{ name: "tmp", mountPath: "/tmp", sizeMi: 64 }];
/** App names become object names with suffixes (`-allow-ingress-controller`): kept short enough for every one. */
export const MAX_APP_NAME_LENGTH = 40;

/** A persistent volume on one of the platform's StorageClasses. */
export interface AppVolume {
    /** Volume name, a DNS label; the claim is `<app>-<name>`. */
    name: string;
    mountPath: string;
    /**
     * `general` (`platform-standard`: ReadWriteOnce, the disk goes with the claim), `retain`
     * (`platform-retain`: ReadWriteOnce, the disk outlives the claim) or `shared`
     * (`platform-shared`: ReadWriteMany, where the target offers it).
     */
    role: StorageRole;
    /** Claim size, a quantity such as `1Gi`. */
    size: string;
}

/** A scratch `emptyDir`, lost with the pod; `memory` keeps it in RAM (counted as memory). */
export interface AppScratch {
    name: string;
    mountPath: string;
    sizeMi: number;
    memory?: boolean;
}

/**
 * A Secret of the app's namespace mounted as files (one per key): the recommended way for an app
 * to read a credential. Files do not leak into crash dumps, child processes or `kubectl describe`
 * as env values do, and a rotated Secret reaches the files without a restart.
 */
export interface AppSecretFiles {
    secretName: string;
    mountPath: string;
    /** Keys to show (each as a file of its name). Default: every key. */
    keys?: string[];
}

/**
 * One env variable from a Secret key: the fallback for software that reads a credential only
 * from its environment. Prefer {@link AppSecretFiles}.
 */
export interface AppSecretEnv {
    name: string;
    secretName: string;
    key: string;
}

export interface AppAutoscaling {
    /** The HPA's ceiling (its floor is `replicas`). */
    maxReplicas: number;
    /** Average CPU utilisation of the requests the HPA aims at, 1-100. Default 70. */
    cpuUtilization?: number;
}

export interface AppResources {
    /** Required: the scheduler places by requests and the HPA measures CPU against them. */
    requests: { cpu: string; memory: string };
    limits?: { cpu?: string; memory?: string };
}

/** Where clients reach the app through every entry point of the platform. */
export interface AppRouteArgs {
    /** Public host name. Unset: the entry point's own address. */
    host?: string;
    /** Path prefix. Default `/`. */
    path?: string;
}

/** Egress the app declares beyond its `uses`: to these peers on these ports. */
export interface AppEgress {
    to: PeerData[];
    ports: { port: number; protocol?: "TCP" | "UDP" }[];
}

/**
 * A database of the app's own: a `PostgresDatabase`'s connection where the app runs in Postgres's
 * namespace (the platform stack's apps), or a team's database as the platform contract carries it
 * (`TeamFacts.postgres`: data only, for an app stack, whose pods then carry its client label).
 */
export type AppPostgres = PostgresDatabaseConnection | TeamDatabaseFacts<pulumi.Input<string>>;

/** The platform's data services an app uses; access is granted both ways at the composition root. */
export interface AppUses {
    redis?: RedisConnection;
    postgres?: AppPostgres;
}

export interface AppProbes {
    readiness?: k8s.types.input.core.v1.Probe;
    liveness?: k8s.types.input.core.v1.Probe;
    startup?: k8s.types.input.core.v1.Probe;
}

export interface AppArgs {
    namespace: pulumi.Input<string>;
    /** The platform as data: entry points, TLS, storage classes, node facts. */
    platform: AppPlatform;
    /**
     * The image: a reference pinned by digest (`registry/repo@sha256:…`; a tag alone is refused,
     * tags move), or the output of an image this program builds (`AppImage.imageName`, tagged by
     * content).
     */
    image: string | pulumi.Output<string>;
    /** The port the container listens on (named `http`). */
    port: number;
    /** The Service's port. Default 80. */
    servicePort?: number;
    /** Replicas, or the HPA's floor with `autoscaling`. Default 2. */
    replicas?: number;
    /** Scale on CPU between `replicas` and `maxReplicas`. Default: a fixed `replicas`. */
    autoscaling?: AppAutoscaling;
    resources: AppResources;
    /** Default: readiness on a TCP connect to the port; no liveness (a wrong one restarts healthy pods). */
    probes?: AppProbes;
    env?: Record<string, pulumi.Input<string>>;
    /** Secrets as files: the recommended form. */
    secretFiles?: AppSecretFiles[];
    /** Secrets as env values: the fallback for software that cannot read a file. */
    secretEnv?: AppSecretEnv[];
    volumes?: AppVolume[];
    /** Default: a 64Mi `/tmp`. */
    scratch?: readonly AppScratch[];
    /** Unset: no route (reached inside the cluster only, by whoever its NetworkPolicies admit). */
    route?: AppRouteArgs;
    uses?: AppUses;
    egress?: AppEgress[];
    /** uid (and gid, fsGroup) the app runs as. Default 10001. */
    uid?: number;
    /** Seconds the pod keeps serving after SIGTERM (needs `sleep` in the image); 0 for none. Default 5. */
    preStopSleepSeconds?: number;
    /** `app.kubernetes.io/name` of the pods, what servers admit. Default the component's name. */
    appName?: string;
    /** What the routing objects wait for, per entry point kind (the platform stack's CRDs and Gateway). Default none. */
    routesDependOn?: Partial<Record<EntryPointFacts["kind"], readonly pulumi.Resource[]>>;
    /** Pulumi `protect` on the app's volume claims. Default false (a `retain` class keeps the disk anyway). */
    protectData?: boolean;
}

/** Arguments with their defaults filled in. */
export type ResolvedAppArgs = AppArgs &
    Required<Pick<AppArgs, "servicePort" | "replicas" | "scratch" | "uid" | "preStopSleepSeconds" | "appName" | "volumes" | "egress" | "env" | "secretFiles" | "secretEnv">>;

/** Thrown before any resource exists, listing every problem of an App's arguments. */
export class AppArgsError extends pulumi.RunError {
    constructor(name: string, problems: readonly string[]) {
        super(`App ${name}: ${problems.join("; ")}`);
        this.name = "AppArgsError";
    }
}

/** The defaults, in one place. */
export function resolveAppArgs(name: string, args: AppArgs): ResolvedAppArgs {
    return {
        ...args,
        servicePort: args.servicePort ?? DEFAULT_SERVICE_PORT,
        replicas: args.replicas ?? DEFAULT_REPLICAS,
        scratch: args.scratch ?? DEFAULT_SCRATCH,
        uid: args.uid ?? DEFAULT_APP_UID,
        preStopSleepSeconds: args.preStopSleepSeconds ?? DEFAULT_PRE_STOP_SLEEP_SECONDS,
        appName: args.appName ?? name,
        volumes: args.volumes ?? [],
        egress: args.egress ?? [],
        env: args.env ?? {},
        secretFiles: args.secretFiles ?? [],
        secretEnv: args.secretEnv ?? [],
    };
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validPort(port: number): boolean {
    return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** The most replicas the app can run: the HPA's ceiling, or the fixed count. */
export function maxReplicasOf(args: Pick<AppArgs, "replicas" | "autoscaling">): number {
    return args.autoscaling?.maxReplicas ?? args.replicas ?? DEFAULT_REPLICAS;
}

/** Whether a role's claims are ReadWriteOnce (one node at a time). */
export function readWriteOnce(role: StorageRole): boolean {
    return role !== "shared";
}

/** What is wrong with the name, image, ports, replicas and resources. */
export function workloadProblems(name: string, a: ResolvedAppArgs): string[] {
    const p: string[] = [];
    if (!DNS_LABEL.test(name) || name.length > MAX_APP_NAME_LENGTH) p.push(`name "${name}" must be a DNS label (a-z, 0-9, -) of at most ${MAX_APP_NAME_LENGTH} characters`);
    if (typeof a.image === "string") {
        const problem = appImageProblem(a.image);
        if (problem !== undefined) p.push(`image ${problem}`);
    }
    if (!validPort(a.port)) p.push(`port ${a.port} must be an integer from 1 to 65535`);
    if (!validPort(a.servicePort)) p.push(`servicePort ${a.servicePort} must be an integer from 1 to 65535`);
    if (!Number.isInteger(a.replicas) || a.replicas < 1) p.push(`replicas ${a.replicas} must be an integer >= 1`);
    if (a.autoscaling !== undefined) {
        const { maxReplicas, cpuUtilization } = a.autoscaling;
        if (!Number.isInteger(maxReplicas) || maxReplicas < a.replicas) p.push(`autoscaling.maxReplicas ${maxReplicas} must be an integer >= replicas (${a.replicas})`);
        if (cpuUtilization !== undefined && (!Number.isInteger(cpuUtilization) || cpuUtilization < 1 || cpuUtilization > 100)) {
            p.push(`autoscaling.cpuUtilization ${cpuUtilization} must be an integer from 1 to 100`);
        }
    }
    const requests = a.resources?.requests;
    for (const r of ["cpu", "memory"] as const) {
        const v = requests?.[r];
        if (typeof v !== "string" || !QUANTITY.test(v)) p.push(`resources.requests.${r} is required (a quantity such as ${r === "cpu" ? "100m" : "128Mi"}): the scheduler places pods by it and the autoscaler measures against it; got ${JSON.stringify(v)}`);
    }
    return p;
}

/** What is wrong with the volumes: names, sizes, classes the platform does not offer, ReadWriteOnce with several replicas. */
export function volumeProblems(a: ResolvedAppArgs): string[] {
    const p: string[] = [];
    const names = [...a.volumes.map((v) => v.name), ...a.scratch.map((s) => s.name)];
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    if (dup.length > 0) p.push(`volume names must be unique; repeated: ${[...new Set(dup)].join(", ")}`);
    const max = maxReplicasOf(a);
    for (const v of a.volumes) {
        if (!DNS_LABEL.test(v.name)) p.push(`volume name "${v.name}" must be a DNS label`);
        if (!QUANTITY.test(v.size)) p.push(`volume ${v.name}: size "${v.size}" is not a quantity such as 1Gi`);
        const className = a.platform.storageClasses[v.role];
        if (className === undefined || className === CONTRACT_NONE) {
            p.push(`volume ${v.name}: role ${v.role} is not offered on this platform (storageClasses.${v.role} is ${CONTRACT_NONE}); use general or retain`);
        } else if (readWriteOnce(v.role) && max > 1) {
            p.push(
                `volume ${v.name}: role ${v.role} (${className}) is ReadWriteOnce, attachable to one node at a time, so it cannot serve ${max} replicas of a Deployment; ` +
                    "use role shared (ReadWriteMany), or replicas 1 without autoscaling",
            );
        }
    }
    return p;
}

/** What is wrong with the route: its path, its host, and a TLS host the Gateway's HTTPS listener does not serve. */
export function routeProblems(a: ResolvedAppArgs): string[] {
    const p: string[] = [];
    if (a.route === undefined) return p;
    const { host, path } = a.route;
    if (path !== undefined && !/^\/[A-Za-z0-9._~\-/]*$/.test(path)) p.push(`route.path "${path}" must start with / and hold only URL path characters`);
    if (host !== undefined && !DNS_NAME.test(host)) p.push(`route.host "${host}" is not a DNS name`);
    const domain = a.platform.tls.domain;
    const gateway = a.platform.entryPoints.some((e) => e.kind === "gateway");
    if (gateway && a.platform.tls.enabled && host !== undefined && host !== domain) {
        p.push(`route.host "${host}": the Gateway's HTTPS listener serves only ${domain ?? "(no domain)"}; route under that host (with a path) or leave host unset`);
    }
    if (a.platform.entryPoints.length === 0) p.push("the platform lists no entry point to route through");
    return p;
}

/** Refuses bad arguments before any resource exists, naming every problem at once. */
export function validateAppArgs(name: string, a: ResolvedAppArgs): void {
    const problems = [...workloadProblems(name, a), ...volumeProblems(a), ...routeProblems(a)];
    for (const e of a.egress) for (const port of e.ports) if (!validPort(port.port)) problems.push(`egress port ${port.port} must be an integer from 1 to 65535`);
    if (problems.length > 0) throw new AppArgsError(name, problems);
}

/** Whether the database is a team's, given as contract data (Postgres in another namespace, no resources). */
export function isDatabaseData(pg: AppPostgres): pg is TeamDatabaseFacts<pulumi.Input<string>> {
    return "serverPeer" in pg;
}

/**
 * What an application needs to know about the platform it runs on, as plain data: the
 * `platformContract` stack output, read by an app stack through a `StackReference`, and what the
 * `App` component is built from in the platform stack itself.
 *
 * Only data crosses stacks: no functions, no resources, no outputs inside (the whole contract is
 * one output). Where the platform's own code carries a function (`DisruptionFacts`), the contract
 * carries what rebuilds it, and a pure function here rebuilds it. This module imports types only,
 * so an app stack loads no cloud SDK through it.
 *
 * Versioned: a change an older app stack could misread (a field renamed, removed or re-typed)
 * raises `PLATFORM_CONTRACT_VERSION`; adding a field does not.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DisruptionFacts, DnsFacts, PolicyPeer, StorageRole } from "../cluster/contract";

/** The version of the contract's shape this program writes and reads. */
export const PLATFORM_CONTRACT_VERSION = 1;

/** The value of a field for something the platform does not offer (as the stack outputs say it). */
export const CONTRACT_NONE = "none";

/** A label selector as plain data. */
export interface LabelsData {
    matchLabels: Record<string, string>;
}

/** A NetworkPolicy peer as plain data (the shape `networking.k8s.io/v1` takes). */
export interface PeerData {
    namespaceSelector?: LabelsData;
    podSelector?: LabelsData;
    ipBlock?: { cidr: string; except?: string[] };
}

/**
 * An ingress-nginx entry point: apps are routed with an Ingress of `ingressClassName`.
 * `S` is how late strings are carried: `string` in the contract, `pulumi.Input<string>` where the
 * platform stack builds the data from its live components (an endpoint known only after deploy).
 */
export interface IngressEntryPointFacts<S = string> {
    kind: "ingress";
    ingressClassName: string;
    /** The pods that forward client traffic, and nothing else: what an app's ingress policy admits. */
    dataPlanePeer: PeerData;
    /** LB hostname or IP (`host:port` on NodePort clusters): where a route without a host is reached. */
    endpoint: S;
}

/** A Gateway API entry point: apps are routed with HTTPRoutes attached to the Gateway's listeners. */
export interface GatewayEntryPointFacts<S = string> {
    kind: "gateway";
    gatewayName: string;
    gatewayNamespace: string;
    /**
     * The listeners' section names: `http` always; `https` only where the Gateway has its HTTPS
     * listener (with `platform:domain`), which TLS routes attach to.
     */
    listeners: { http: string; https?: string };
    dataPlanePeer: PeerData;
    endpoint: S;
}

export type EntryPointFacts<S = string> = IngressEntryPointFacts<S> | GatewayEntryPointFacts<S>;

/** Certificates for the routes. */
export interface TlsFacts<S = string> {
    /** cert-manager ClusterIssuer a route's certificate comes from. */
    clusterIssuer: S;
    /** Whether routes with a host are served on https (with http redirected). */
    enabled: boolean;
    /** Certificates come from ACME HTTP-01: the solver must be reachable through each ingress entry point. */
    acmeHttp01: boolean;
    /** `platform:domain`, where set: the host the Gateway's HTTPS listener serves. */
    domain?: string;
}

/**
 * Node-autoscaler annotations as data (`DisruptionFacts` without its function): rebuilt by
 * {@link disruptionFromData}.
 */
export interface DisruptionData {
    /**
     * Annotation whose value lists a pod's scratch `emptyDir` volumes (sorted, comma-separated) as
     * safe to lose; undefined where the autoscaler needs no such annotation (Karpenter).
     */
    scratchVolumesKey?: string;
    /** Annotations of a single-replica pod every request depends on. */
    neverDisrupt: Record<string, string>;
}

/** What an app needs of the nodes. */
export interface NodesData {
    disruption: DisruptionData;
}

/** Where pods send DNS queries: the peers of the DNS egress rule, or `any` (port 53 to anywhere). */
export interface DnsData {
    peers: PeerData[] | "any";
}

/** A team's quota in its namespace (ResourceQuota `hard`): CPU and memory requests, storage requests, object counts. */
export interface TeamQuota {
    /** `requests.cpu`, e.g. `4`. */
    cpu: string;
    /** `requests.memory`, e.g. `8Gi`. */
    memory: string;
    /** `requests.storage`, e.g. `100Gi`. */
    storage: string;
    /** Object counts (`pods`, `services`, `persistentvolumeclaims`, ...), by ResourceQuota resource name. */
    objects?: Record<string, number>;
}

/**
 * A team's Postgres database (`postgres: true` in `platform:teams`): what an app of the team needs to
 * use it, as `App`'s `uses.postgres`. Postgres runs in another namespace, so access is by peer and
 * label: Postgres admits the team namespace's pods that carry `clientLabels`, and the app's egress
 * goes to `serverPeer`.
 */
export interface TeamDatabaseFacts<S = string> {
    /** `<service>.<namespace>.svc`. */
    host: S;
    port: number;
    database: string;
    user: string;
    /** The role's password: a Secret in the team's namespace, mounted as a file. */
    passwordSecret: { name: string; key: string };
    /** Postgres's pods (namespace and labels), for the app's egress rule. */
    serverPeer: PeerData;
    /** Labels the app's pods must carry for Postgres to admit them. */
    clientLabels: Record<string, string>;
}

/** A team an app stack can deploy into. */
export interface TeamFacts<S = string> {
    name: string;
    /** The team's namespace: where its apps run. */
    namespace: string;
    quota: TeamQuota;
    /** Its database, when the team has one. */
    postgres?: TeamDatabaseFacts<S>;
}

/** StorageClass names by role; `none` for a role the target does not offer. */
export type StorageClassNames = Record<StorageRole, string>;

/** The platform contract: everything an app stack needs, and nothing else. */
export interface PlatformContract<S = string> {
    version: typeof PLATFORM_CONTRACT_VERSION;
    /** Admin kubeconfig (a secret output as a whole); `none` on a local cluster, whose kubeconfig the user has. */
    kubeconfig: S;
    /** The entry points that run, the primary (where a route without a host is reached) first. */
    entryPoints: EntryPointFacts<S>[];
    tls: TlsFacts<S>;
    storageClasses: StorageClassNames;
    /** Repository (without tag) the platform pushes its images to, or `none` (built into the local engine). */
    registry: S;
    nodes: NodesData;
    dns: DnsData;
    /** The teams (`platform:teams`); empty when none is declared. */
    teams: TeamFacts<S>[];
}

/**
 * What `App` takes of the contract: the same data in an app stack (from the StackReference) and in
 * the platform stack (built from the live components, where the endpoint and issuer are outputs).
 */
export type AppPlatform = Pick<PlatformContract<pulumi.Input<string>>, "entryPoints" | "tls" | "storageClasses" | "nodes" | "dns">;

/** Thrown when facts cannot be written as contract data, or data read back is not a contract this program reads. */
export class PlatformContractError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlatformContractError";
    }
}

const PROBE_VOLUMES = ["b-probe", "a-probe"] as const;

/**
 * The data form of `DisruptionFacts`: its function is asked once; an answer that is not one
 * annotation listing the sorted names (or nothing) cannot be carried as data and is refused.
 */
export function disruptionData(facts: DisruptionFacts): DisruptionData {
    const answer = facts.scratchVolumesEvictable(PROBE_VOLUMES);
    const keys = Object.keys(answer);
    if (keys.length > 1 || (keys.length === 1 && answer[keys[0]] !== [...PROBE_VOLUMES].sort().join(","))) {
        throw new PlatformContractError(`scratchVolumesEvictable answers ${JSON.stringify(answer)}: not one annotation listing the sorted volume names, so it cannot be carried as data`);
    }
    return { ...(keys.length === 1 ? { scratchVolumesKey: keys[0] } : {}), neverDisrupt: { ...facts.neverDisrupt } };
}

/** `DisruptionFacts` rebuilt from its data form. */
export function disruptionFromData(data: DisruptionData): DisruptionFacts {
    const key = data.scratchVolumesKey;
    return {
        scratchVolumesEvictable: (volumeNames): Record<string, string> => (key === undefined || volumeNames.length === 0 ? {} : { [key]: [...volumeNames].sort().join(",") }),
        neverDisrupt: { ...data.neverDisrupt },
    };
}

/** The DNS facts as data; peers whose fields are not plain strings (outputs) are refused. */
export function dnsData(facts: DnsFacts): DnsData {
    if (facts.peers === "any") return { peers: "any" };
    return { peers: facts.peers.map((p) => plainPeer(p)) };
}

/** `DnsFacts` rebuilt from its data form. */
export function dnsFromData(data: DnsData): DnsFacts {
    return { peers: data.peers === "any" ? "any" : data.peers.map((p) => ({ ...p })) };
}

/** A peer as plain data: a deep copy that fails on anything but strings, arrays and objects. */
export function plainPeer(peer: PolicyPeer | PeerData): PeerData {
    const copy = JSON.parse(JSON.stringify(peer)) as unknown;
    if (JSON.stringify(copy) !== JSON.stringify(peer) || !isPlain(peer)) {
        throw new PlatformContractError(`NetworkPolicy peer ${JSON.stringify(peer)} is not plain data (an output inside?)`);
    }
    return copy as PeerData;
}

function isPlain(value: unknown): boolean {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return true;
    if (Array.isArray(value)) return value.every(isPlain);
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isPlain);
    return false;
}

/**
 * Refuses data that is not a contract of this version (an older or newer platform stack), naming
 * what was found, so an app stack fails before registering anything.
 */
export function checkContractVersion(data: { version?: unknown }): void {
    if (data.version !== PLATFORM_CONTRACT_VERSION) {
        throw new PlatformContractError(
            `the platform stack's platformContract has version ${JSON.stringify(data.version)}; this program reads version ${PLATFORM_CONTRACT_VERSION}: update the platform stack or this app stack so both agree`,
        );
    }
}

/**
 * The contract as an app stack reads it from the platform stack's output (a StackReference's
 * value): refused unless it is an object of this version, so a mismatch fails before anything is
 * registered.
 */
export function readPlatformContract(value: unknown): PlatformContract {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new PlatformContractError(`the platform stack's platformContract is ${JSON.stringify(value)}, not an object: is the platform stack deployed with a version that exports it?`);
    }
    checkContractVersion(value as { version?: unknown });
    return value as PlatformContract;
}

/**
 * The Azure subscription checks the preflight runs before anything is registered: the resource
 * providers the stack uses are registered, the region's vCPU quotas hold the node pools, and the
 * identity that deploys is a service principal that may assign roles (the stack assigns several).
 *
 * azure-native has no data source for these (provider registration, compute usages and SKUs, the
 * caller's role assignments), so the reads are plain ARM GETs with the caller's own token
 * (`authorization.getClientToken`), as `az provider show`, `az vm list-usage` and
 * `az role assignment list --assignee` make them. The verdicts are plain functions.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import { type Finding, type PreflightCheck, quotaShortfall } from "../cluster/preflight";
import type { AzureConfig } from "../../config";
import { AKS_ROLES } from "./access";
import { AKS_SYSTEM_POOL } from "./cluster";
import { STORAGE_BLOB_DATA_CONTRIBUTOR } from "./facts";
import { ACR_PULL_ROLE_DEFINITION_ID, ACR_PUSH_ROLE_DEFINITION_ID } from "./registry";

// ---- resource providers ----------------------------------------------------------------------

export interface RequiredProvider {
    namespace: string;
    why: string;
}

/**
 * Resource providers the stack creates resources of. Native observability adds Log Analytics,
 * data collection rules and diagnostic settings (Microsoft.Insights), the Azure Monitor workspace
 * (Microsoft.Monitor) and managed Prometheus, whose onboarding also wants Microsoft.AlertsManagement
 * (its recording-rule groups; the providers to register before enabling managed Prometheus, as
 * listed by Azure Monitor's AKS onboarding walkthroughs, checked 2026-12-07).
 */
export function requiredProviders(config: Pick<AzureConfig, "cluster">): RequiredProvider[] {
    const providers: RequiredProvider[] = [
        { namespace: "Microsoft.ContainerService", why: "the AKS cluster and its node pools" },
        { namespace: "Microsoft.Compute", why: "the nodes' scale sets, the managed disks of the platform's block classes and their snapshots" },
        { namespace: "Microsoft.Network", why: "the cluster's network, its load balancer and the static ingress IP" },
        { namespace: "Microsoft.ContainerRegistry", why: "the container registry the app image is pushed to" },
        { namespace: "Microsoft.Storage", why: "the storage accounts the Azure Files driver makes for platform-shared volumes, and the backups' account" },
        { namespace: "Microsoft.ManagedIdentity", why: "the backup job's managed identity and its federated credential" },
    ];
    if (config.cluster.observability === "native") {
        providers.push(
            { namespace: "Microsoft.OperationalInsights", why: "platform:observability native: the Log Analytics workspace for Container Insights and control-plane logs" },
            { namespace: "Microsoft.Insights", why: "platform:observability native: data collection rules and the cluster's diagnostic setting" },
            { namespace: "Microsoft.Monitor", why: "platform:observability native: the Azure Monitor workspace managed Prometheus writes to" },
            { namespace: "Microsoft.AlertsManagement", why: "platform:observability native: managed Prometheus's rule groups" },
        );
    }
    return providers;
}

/** A finding for every required provider that is not registered (`Registering` is said, not refused). */
export function providerFindings(states: ReadonlyMap<string, string>, required: readonly RequiredProvider[], subscription: string): Finding[] {
    const findings: Finding[] = [];
    for (const p of required) {
        const state = states.get(p.namespace.toLowerCase()) ?? "NotRegistered";
        if (state === "Registered") continue;
        findings.push({
            severity: state === "Registering" ? "warning" : "error",
            what: `resource provider ${p.namespace} is ${state} in subscription ${subscription}`,
            why: `the stack creates ${p.why}; ARM refuses a resource type whose provider is not registered`,
            fix: `az provider register --namespace ${p.namespace} --subscription ${subscription} --wait (or the portal: Subscription → Resource providers → ${p.namespace} → Register)`,
        });
    }
    return findings;
}

// ---- vCPU quota ------------------------------------------------------------------------------

/** A VM size as the region's resource SKU list reports it. */
export interface VmSku {
    name: string;
    /** Quota family, e.g. `standardDSv5Family`. */
    family: string;
    vcpus: number;
    /** Restrictions for this subscription: the whole location, or some zones. */
    restrictedZones: string[];
    restrictedLocation: boolean;
}

/** A compute usage of the region (`az vm list-usage`): `cores` is the total regional vCPUs. */
export interface ComputeUsage {
    name: string;
    current: number;
    limit: number;
}

/** vCPUs per quota family the stack's node pools reach at most: the system pool's two nodes and maxNodes user nodes (managed). */
export function vcpuNeeds(config: Pick<AzureConfig, "cluster">, sizes: ReadonlyMap<string, VmSku>): Map<string, number> {
    const needs = new Map<string, number>();
    const add = (size: string, count: number): void => {
        const sku = sizes.get(size.toLowerCase());
        if (sku !== undefined) needs.set(sku.family, (needs.get(sku.family) ?? 0) + count * sku.vcpus);
    };
    add(AKS_SYSTEM_POOL.vmSize, AKS_SYSTEM_POOL.count);
    if (config.cluster.nodeMode === "managed") add(config.cluster.nodeSize, config.cluster.maxNodes);
    return needs;
}

function sizeOffered(size: string, sku: VmSku | undefined, zones: readonly string[], location: string): Finding[] {
    const blockedZones = sku === undefined ? [] : zones.filter((z) => sku.restrictedZones.includes(z));
    if (sku !== undefined && !sku.restrictedLocation && blockedZones.length === 0) return [];
    const where = sku === undefined || sku.restrictedLocation ? location : `zone(s) ${blockedZones.join(", ")} of ${location}`;
    return [
        {
            severity: "error",
            what: `VM size ${size} is not offered to this subscription in ${where}`,
            why: "AKS creates the node pool's scale set with it; the create fails after the cluster itself was made",
            fix: `az vm list-skus --location ${location} --size ${size} --output table shows where it is offered; pick another: pulumi config set platform:nodeSize <size>, or platform:zones`,
        },
    ];
}

function vcpuQuotaFinding(family: string, need: number, usage: ComputeUsage | undefined, location: string): Finding[] {
    if (usage === undefined) return [];
    const shortfall = quotaShortfall(usage.limit, need, usage.current);
    if (shortfall === undefined) return [];
    const label = family === "cores" ? "Total Regional vCPUs" : family;
    return [
        {
            // Others' use can change before up, and the stack's own nodes are among it once deployed.
            severity: shortfall === "limit" ? "error" : "warning",
            what:
                shortfall === "limit"
                    ? `the ${label} quota in ${location} is ${usage.limit} vCPUs; the node pools reach ${need}`
                    : `${usage.current} of the ${usage.limit} vCPUs of the ${label} quota in ${location} are in use; the node pools reach ${need} more`,
            why: "AKS adds nodes up to the pools' maximum; past the quota the scale set cannot grow and pods stay Pending (the first up fails when even the initial nodes do not fit)",
            fix: `request more: portal → Quotas → Compute → ${location} → ${label} → New quota request (at least ${need + (shortfall === "free" ? usage.current : 0)}), or lower platform:maxNodes`,
        },
    ];
}

/** Whether the node pools' sizes are offered and fit the family and regional vCPU quotas. */
export function vcpuFindings(config: Pick<AzureConfig, "cluster" | "azure">, skus: readonly VmSku[], usages: readonly ComputeUsage[]): Finding[] {
    const location = config.azure.location;
    const sizes = new Map(skus.map((s) => [s.name.toLowerCase(), s]));
    const poolSizes = config.cluster.nodeMode === "managed" ? [AKS_SYSTEM_POOL.vmSize, config.cluster.nodeSize] : [AKS_SYSTEM_POOL.vmSize];
    const findings = [...new Set(poolSizes)].flatMap((size) => sizeOffered(size, sizes.get(size.toLowerCase()), config.azure.zones, location));
    const needs = vcpuNeeds(config, sizes);
    const usage = new Map(usages.map((u) => [u.name.toLowerCase(), u]));
    for (const [family, need] of needs) findings.push(...vcpuQuotaFinding(family, need, usage.get(family.toLowerCase()), location));
    const total = [...needs.values()].reduce((a, b) => a + b, 0);
    findings.push(...vcpuQuotaFinding("cores", total, usage.get("cores"), location));
    return findings;
}

// ---- the deploying identity ------------------------------------------------------------------

/**
 * Whether an Entra access token was issued to an application (service principal or managed
 * identity) or a user: `idtyp` says so where present (`app` or `user`); otherwise a delegated user
 * token carries `scp` and an app-only token does not. Undefined when the token is not a readable
 * JWT (Microsoft calls access tokens opaque to clients, so this is best effort).
 */
export function principalTypeOf(token: string): "ServicePrincipal" | "User" | undefined {
    const payload = token.split(".")[1];
    if (payload === undefined) return undefined;
    let claims: Record<string, unknown>;
    try {
        claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
        return undefined;
    }
    if (typeof claims !== "object" || claims === null) return undefined;
    if (claims.idtyp === "app") return "ServicePrincipal";
    if (claims.idtyp === "user") return "User";
    if (typeof claims.oid !== "string") return undefined;
    return typeof claims.scp === "string" ? "User" : "ServicePrincipal";
}

/** The stack assigns roles to the deployer as `principalType: ServicePrincipal` (components/azure/cluster.ts). */
export function principalTypeFindings(type: "ServicePrincipal" | "User" | undefined): Finding[] {
    if (type === "ServicePrincipal") return [];
    if (type === undefined) {
        return [
            {
                severity: "warning",
                what: "could not tell from its token whether the identity running Pulumi is a service principal",
                why: "the stack assigns the deployer its AKS admin and AcrPush roles as a service principal; a user would be refused",
                fix: "deploy as a service principal or managed identity (CI's deploy identity is one); check with az account show --query user.type",
            },
        ];
    }
    return [
        {
            severity: "error",
            aboutCaller: true,
            what: "the identity running Pulumi is a user, not a service principal",
            why: "the stack assigns the deployer AKS RBAC Cluster Admin and AcrPush with principalType ServicePrincipal; ARM rejects those assignments for a user",
            fix: "deploy as a service principal or managed identity: az login --service-principal -u <appId> --tenant <tenant> --federated-token \"$(cat <token file>)\" (CI's deploy identity, docs/delivery.md)",
        },
    ];
}

/** A role assignment of the caller, with its role's permissions. */
export interface CallerAssignment {
    scope: string;
    roleName: string;
    condition?: string;
    actions: string[];
    notActions: string[];
}

const ASSIGN_ROLES = "Microsoft.Authorization/roleAssignments/write";

function matches(pattern: string, action: string): boolean {
    const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
    return re.test(action);
}

/** Whether a role's permissions allow an action (Azure's wildcards in actions, minus notActions). */
export function allows(a: Pick<CallerAssignment, "actions" | "notActions">, action: string): boolean {
    return a.actions.some((p) => matches(p, action)) && !a.notActions.some((p) => matches(p, action));
}

/** The role definition ids the stack assigns: AKS admin, reader and user, Contributor on the data group, AcrPull, AcrPush. */
export const ROLES_THE_STACK_ASSIGNS: Readonly<Record<string, string>> = {
    "Azure Kubernetes Service RBAC Cluster Admin": AKS_ROLES.clusterAdmin,
    "Azure Kubernetes Service RBAC Reader": AKS_ROLES.reader,
    "Azure Kubernetes Service Cluster User Role": AKS_ROLES.clusterUser,
    Contributor: AKS_ROLES.contributor,
    AcrPull: ACR_PULL_ROLE_DEFINITION_ID,
    AcrPush: ACR_PUSH_ROLE_DEFINITION_ID,
    "Storage Blob Data Contributor": STORAGE_BLOB_DATA_CONTRIBUTOR,
};

/** Whether a scope covers the resource groups the stack creates: the subscription, a management group above it, or the root. */
export function coversNewGroups(scope: string, subscriptionId: string): boolean {
    const s = scope.toLowerCase();
    return s === "/" || s === `/subscriptions/${subscriptionId.toLowerCase()}` || s.startsWith("/providers/microsoft.management/managementgroups/");
}

/**
 * Whether the caller may make the stack's role assignments: some assignment at the subscription
 * (or above, the stack creates its resource groups) whose role allows roleAssignments/write, and,
 * when that assignment has a condition (the usual way to narrow User Access Administrator), a
 * condition that names every role the stack assigns.
 */
export function roleAssignmentFindings(assignments: readonly CallerAssignment[], subscriptionId: string): Finding[] {
    const granting = assignments.filter((a) => coversNewGroups(a.scope, subscriptionId) && allows(a, ASSIGN_ROLES));
    const why = "the stack assigns AKS RBAC roles, Contributor on its data resource group, AcrPull to the nodes and AcrPush to the deployer";
    if (granting.length === 0) {
        return [
            {
                severity: "error",
                aboutCaller: true,
                what: `the identity running Pulumi has no role at subscription ${subscriptionId} (or above) that allows ${ASSIGN_ROLES}`,
                why,
                fix: `az role assignment create --assignee <deploy identity> --role "Role Based Access Control Administrator" --scope /subscriptions/${subscriptionId}, with a condition limiting it to the roles in docs/delivery.md`,
            },
        ];
    }
    if (granting.some((a) => a.condition === undefined)) return [];
    // Every granting assignment is conditioned: the roles the stack assigns must be named in one of them.
    const missing = Object.entries(ROLES_THE_STACK_ASSIGNS)
        .filter(([, id]) => !granting.some((a) => (a.condition ?? "").toLowerCase().includes(id)))
        .map(([name, id]) => `${name} (${id})`);
    if (missing.length === 0) return [];
    return [
        {
            severity: "error",
            aboutCaller: true,
            what: `the condition on the identity's ${granting.map((a) => a.roleName).join(", ")} assignment does not allow assigning ${missing.join(", ")}`,
            why,
            fix: "add those role definition ids to the condition's GuidEquals list: portal → Access control (IAM) → Role assignments → the assignment → Condition → Edit",
        },
    ];
}

// ---- reading ARM -----------------------------------------------------------------------------

/** GETs an ARM path (with its api-version) and returns the parsed body; follows `nextLink` for lists. */
export type ArmGet = (path: string) => Promise<unknown>;

export const ARM_ENDPOINT = "https://management.azure.com";

/** The ARM paths the checks read (api-versions of the Azure REST API reference, checked 2026-12-07). */
export const ARM_READS = {
    providers: (sub: string) => `/subscriptions/${sub}/providers?api-version=2021-04-01`,
    skus: (sub: string, location: string) => `/subscriptions/${sub}/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location eq '${location}'`,
    usages: (sub: string, location: string) => `/subscriptions/${sub}/providers/Microsoft.Compute/locations/${location}/usages?api-version=2024-07-01`,
    roleAssignments: (sub: string, objectId: string) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=assignedTo('${objectId}')`,
    roleDefinition: (id: string) => `${id}?api-version=2022-04-01`,
} as const;

/** A GET of ARM with a bearer token; list responses are followed through `nextLink` and merged into one `value`. */
export function armGet(token: () => Promise<string>, fetchFn: typeof fetch = globalThis.fetch): ArmGet {
    return async (path) => {
        const bearer = await token();
        let url: string | undefined = `${ARM_ENDPOINT}${path}`;
        let merged: Record<string, unknown> | undefined;
        while (url !== undefined) {
            const res = await fetchFn(url, { method: "GET", headers: { Authorization: `Bearer ${bearer}` } });
            const body = (await res.json()) as Record<string, unknown>;
            if (!res.ok) throw new Error(`GET ${path.split("?")[0]}: ${res.status} ${JSON.stringify(body.error ?? body).slice(0, 300)}`);
            merged = merged === undefined ? body : { ...body, value: [...((merged.value as unknown[] | undefined) ?? []), ...((body.value as unknown[] | undefined) ?? [])] };
            url = typeof body.nextLink === "string" ? body.nextLink : undefined;
        }
        return merged;
    };
}

interface Listed<T> {
    value?: T[];
}

/** The region's VM sizes from the resource SKU list. */
export function parseSkus(body: unknown): VmSku[] {
    type Raw = { resourceType?: string; name?: string; family?: string; capabilities?: { name: string; value: string }[]; restrictions?: { type: string; restrictionInfo?: { zones?: string[] } }[] };
    return ((body as Listed<Raw>).value ?? [])
        .filter((s) => s.resourceType === "virtualMachines" && typeof s.name === "string")
        .map((s) => ({
            name: s.name ?? "",
            family: s.family ?? "",
            vcpus: Number(s.capabilities?.find((c) => c.name === "vCPUs")?.value ?? "0"),
            restrictedLocation: (s.restrictions ?? []).some((r) => r.type === "Location"),
            restrictedZones: (s.restrictions ?? []).filter((r) => r.type === "Zone").flatMap((r) => r.restrictionInfo?.zones ?? []),
        }));
}

/** The region's compute usages. */
export function parseUsages(body: unknown): ComputeUsage[] {
    type Raw = { name?: { value?: string }; currentValue?: number; limit?: number };
    return ((body as Listed<Raw>).value ?? []).map((u) => ({ name: u.name?.value ?? "", current: u.currentValue ?? 0, limit: u.limit ?? 0 }));
}

/** What the checks read of the subscription; `armReads` by default, a stand-in in tests. */
export interface AzureReads {
    client(): Promise<{ subscriptionId: string; objectId: string }>;
    token(): Promise<string>;
    get: ArmGet;
}

/**
 * The reads: `authorization.getClientConfig` (subscription and object id) and
 * `authorization.getClientToken` (the caller's own ARM token; azure-native 3.28, checked
 * 2026-12-07), and GETs of ARM with that token.
 */
export function armReads(): AzureReads {
    const token = async (): Promise<string> => (await authorization.getClientToken()).token;
    return {
        client: async () => {
            const c = await authorization.getClientConfig();
            return { subscriptionId: c.subscriptionId, objectId: c.objectId };
        },
        token,
        get: armGet(token),
    };
}

async function callerAssignments(reads: AzureReads, sub: string, objectId: string): Promise<CallerAssignment[]> {
    type Raw = { properties?: { scope?: string; roleDefinitionId?: string; condition?: string | null } };
    const listed = ((await reads.get(ARM_READS.roleAssignments(sub, objectId))) as Listed<Raw>).value ?? [];
    return Promise.all(
        listed.map(async (a) => {
            const p = a.properties ?? {};
            type Def = { properties?: { roleName?: string; permissions?: { actions?: string[]; notActions?: string[] }[] } };
            const def = (await reads.get(ARM_READS.roleDefinition(p.roleDefinitionId ?? ""))) as Def;
            const perms = def.properties?.permissions ?? [];
            return {
                scope: p.scope ?? "",
                roleName: def.properties?.roleName ?? p.roleDefinitionId ?? "",
                ...(p.condition ? { condition: p.condition } : {}),
                actions: perms.flatMap((x) => x.actions ?? []),
                notActions: perms.flatMap((x) => x.notActions ?? []),
            };
        }),
    );
}

/** The Azure target's checks. */
export function azurePreflight(config: AzureConfig, reads: AzureReads = armReads()): PreflightCheck[] {
    const location = config.azure.location;
    return [
        {
            id: "azure-resource-providers",
            reads: "cloud",
            run: async () => {
                const { subscriptionId } = await reads.client();
                type Raw = { namespace?: string; registrationState?: string };
                const listed = ((await reads.get(ARM_READS.providers(subscriptionId))) as Listed<Raw>).value ?? [];
                const states = new Map(listed.map((p) => [(p.namespace ?? "").toLowerCase(), p.registrationState ?? "NotRegistered"]));
                return providerFindings(states, requiredProviders(config), subscriptionId);
            },
        },
        {
            id: "azure-vcpu-quota",
            reads: "cloud",
            run: async () => {
                const { subscriptionId } = await reads.client();
                const [skus, usages] = await Promise.all([reads.get(ARM_READS.skus(subscriptionId, location)), reads.get(ARM_READS.usages(subscriptionId, location))]);
                return vcpuFindings(config, parseSkus(skus), parseUsages(usages));
            },
        },
        {
            id: "azure-deploying-identity",
            reads: "cloud",
            run: async () => {
                const [{ subscriptionId, objectId }, token] = await Promise.all([reads.client(), reads.token()]);
                const type = principalTypeOf(token);
                return [...principalTypeFindings(type), ...roleAssignmentFindings(await callerAssignments(reads, subscriptionId, objectId), subscriptionId)];
            },
        },
    ];
}

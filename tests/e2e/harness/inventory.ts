/**
 * Everything stored in the cluster, by kind, namespace and name, read through discovery: what a
 * destroy leaves behind is the difference between the inventory before the first `up` and after
 * the destroy, minus what the cluster itself keeps producing (events, node leases, the objects a
 * new namespace gets).
 */
import type { KubeClient, KubeObject } from "./kube-client";

interface ApiResource {
    name: string;
    kind: string;
    namespaced: boolean;
    verbs: string[];
}

/** `group/kind` (core kinds have no group), e.g. `apps/StatefulSet`, `PersistentVolume`. */
export type InventoryKey = string;

/** `<group/kind> <namespace>/<name>` or `<group/kind> <name>` for cluster-scoped objects. */
export function inventoryKey(groupKind: string, obj: KubeObject): InventoryKey {
    const ns = obj.metadata.namespace;
    return `${groupKind} ${ns ? `${ns}/` : ""}${obj.metadata.name}`;
}

/** What the cluster makes by itself, never the stack's to leave behind. */
export function isClusterNoise(key: InventoryKey): boolean {
    return (
        /^(events\.k8s\.io\/)?Event /.test(key) ||
        /^coordination\.k8s\.io\/Lease kube-node-lease\//.test(key) ||
        /^discovery\.k8s\.io\/EndpointSlice /.test(key) ||
        /^Endpoints /.test(key) ||
        /^(ServiceAccount [^/]+\/default|ConfigMap [^/]+\/kube-root-ca\.crt)$/.test(key) ||
        // The scheduler's and controller-manager's own bookkeeping.
        /^coordination\.k8s\.io\/Lease kube-system\/(kube-scheduler|kube-controller-manager)$/.test(key) ||
        /^Node /.test(key) ||
        /^(authorization|authentication)\.k8s\.io\//.test(key) ||
        /^apiregistration\.k8s\.io\/APIService /.test(key) ||
        /^flowcontrol\.apiserver\.k8s\.io\//.test(key)
    );
}

async function groupVersions(client: KubeClient): Promise<string[]> {
    const groups = (await client.get<KubeObject & { groups?: { preferredVersion: { groupVersion: string } }[] }>("/apis"))?.groups ?? [];
    return ["v1", ...groups.map((g) => g.preferredVersion.groupVersion)];
}

/** Every listable object in the cluster, as sorted keys. */
export async function inventory(client: KubeClient): Promise<InventoryKey[]> {
    const keys: InventoryKey[] = [];
    for (const gv of await groupVersions(client)) {
        const base = gv === "v1" ? "/api/v1" : `/apis/${gv}`;
        const group = gv === "v1" ? "" : gv.split("/")[0];
        const resources = ((await client.get<KubeObject & { resources?: ApiResource[] }>(base))?.resources ?? []).filter((r) => !r.name.includes("/") && r.verbs.includes("list"));
        for (const r of resources) {
            const groupKind = group === "" ? r.kind : `${group}/${r.kind}`;
            for (const obj of await client.list(`${base}/${r.name}`)) keys.push(inventoryKey(groupKind, obj));
        }
    }
    return keys.sort();
}

/** What `after` has that `before` had not, without the cluster's own noise. */
export function leftBehind(before: readonly InventoryKey[], after: readonly InventoryKey[]): InventoryKey[] {
    const had = new Set(before);
    return after.filter((k) => !had.has(k) && !isClusterNoise(k));
}

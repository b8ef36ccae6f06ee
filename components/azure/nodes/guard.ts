/**
 * The node-mode guard on AKS: a running cluster's `platform:nodeMode` cannot be switched by an
 * update, so the program refuses before anything is registered.
 *
 * - managed → auto: AKS refuses node auto-provisioning while the cluster autoscaler runs on any
 *   pool, and Pulumi would update the cluster before it deletes the old user pool (deletes come
 *   last), so the update fails half-way (learn.microsoft.com/azure/aks/node-autoprovision,
 *   limitations, checked 2026-12-07).
 * - auto → managed: node auto-provisioning's nodes must be drained and its NodePools removed
 *   before it can be turned off; a program cannot do that safely for the Postgres pod.
 *
 * The running cluster is found in the stack's own last snapshot: the engine's builtin
 * `pulumi:pulumi:readStackResourceOutputs` invoke (what stack references read) returns every
 * resource's outputs by URN (pulumi/pulumi BackendClient.GetStackResourceOutputs, checked
 * 2026-12-07; unverified against a live engine). The cluster and its group carry generated names,
 * so reading them by name before registration, as EKS's guard does, is not possible here.
 */
import * as pulumi from "@pulumi/pulumi";
import type { NodeMode } from "../../../config";
import type { PreflightCheck } from "../../cluster/preflight";

const MANAGED_CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";

/** What the stack's snapshot holds per URN. */
export type StackResourceOutputs = Record<string, { type?: string; outputs?: Record<string, unknown> }>;

/** The node mode of the stack's AKS cluster in its last snapshot, or undefined before it exists. */
export function liveAksNodeMode(resources: StackResourceOutputs): NodeMode | undefined {
    const cluster = Object.values(resources).find((r) => r.type === MANAGED_CLUSTER_TYPE);
    if (cluster === undefined) return undefined;
    const profile = cluster.outputs?.["nodeProvisioningProfile"] as { mode?: string } | undefined;
    return profile?.mode === "Auto" ? "auto" : "managed";
}

/** Why the running cluster cannot move from `live` to `wanted`, with the way out, or undefined. */
export function aksNodeModeSwitchProblem(live: NodeMode | undefined, wanted: NodeMode): string | undefined {
    if (live === undefined || live === wanted) return undefined;
    const why =
        live === "managed"
            ? "AKS refuses node auto-provisioning while the cluster autoscaler runs on the user pool, and the pool would only be deleted after the cluster update"
            : "node auto-provisioning's nodes (Postgres's among them) must be drained and its NodePools deleted before it can be turned off";
    return (
        `platform:nodeMode: "${wanted}" cannot be applied to the running AKS cluster, which runs nodeMode ${live}: ${why}. ` +
        `Keep it with: pulumi config set platform:nodeMode ${live}; to move, see docs/azure.md "Changing nodeMode on AKS"`
    );
}

/** The stack's own resource outputs from its last snapshot ({} for a stack never deployed). */
export async function readOwnStackResources(): Promise<StackResourceOutputs> {
    const stackName = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const result = (await pulumi.runtime.invoke("pulumi:pulumi:readStackResourceOutputs", { stackName })) as { outputs?: StackResourceOutputs };
    return result.outputs ?? {};
}

/**
 * The node-mode refusal as a preflight guard: it runs whatever `platform:preflight` says, because
 * `off` must not let an update start that AKS refuses halfway. It reads the stack's own state, not
 * the cloud, so the offline plan (which has no state) leaves it out.
 */
export function aksNodeModeGuard(wanted: NodeMode, read: () => Promise<StackResourceOutputs> = readOwnStackResources): PreflightCheck {
    return {
        id: "azure-node-mode-switch",
        reads: "cluster",
        guard: true,
        run: async () => {
            const live = liveAksNodeMode(await read());
            const problem = aksNodeModeSwitchProblem(live, wanted);
            if (problem === undefined || live === undefined) return [];
            return [
                {
                    severity: "error" as const,
                    what: problem,
                    why: "an update cannot switch a running AKS cluster's node mode and keep its nodes' volumes attached",
                    fix: `pulumi config set platform:nodeMode ${live}`,
                },
            ];
        },
    };
}

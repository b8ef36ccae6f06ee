/**
 * What the Azure identities need: the calls the program makes (held by
 * tests/delivery/permissions.test.ts to every invoke and ARM read of a preview and a deployment of
 * the example stacks), the ones made on the program's behalf, and the Kubernetes access.
 * docs/delivery.md renders it. Operations per request: the Azure REST API reference and the
 * resource provider operations list (Microsoft.Resources, Microsoft.Compute,
 * Microsoft.Authorization, Microsoft.ContainerService), checked 2026-12-07.
 */
import { type CloudPermissions, PREVIEW_KUBERNETES_READS } from "../cluster/permissions";
import { ROLES_THE_STACK_ASSIGNS } from "./preflight";

/** The roles the deploy identity's role-assignment right must be conditioned to, as the docs list them. */
export function assignableRolesText(): string {
    return Object.entries(ROLES_THE_STACK_ASSIGNS)
        .map(([name, id]) => `${name} (\`${id}\`)`)
        .join(", ");
}

const SUB = "/subscriptions/{subscription}";

export const AZURE_PERMISSIONS: CloudPermissions = {
    cloud: "azure",
    previewGrant:
        "`Reader` on the subscription (the preflight's five reads are subscription-wide: `Microsoft.Resources/subscriptions/providers/read`, `Microsoft.Compute/skus/read`, `Microsoft.Compute/locations/usages/read`, `Microsoft.Authorization/roleAssignments/read`, `Microsoft.Authorization/roleDefinitions/read`; a custom role with exactly those plus `Reader` on the platform's resource groups does too), `Azure Kubernetes Service Cluster User Role` and `Azure Kubernetes Service RBAC Reader` on the cluster (`platform:clusterReaders`)",
    deployGrant: `\`Contributor\` on the subscription (the stack creates its resource groups) and \`Role Based Access Control Administrator\` on it, with a condition allowing only the roles the stack assigns: ${assignableRolesText()}; it must be a service principal or managed identity (the stack assigns it roles as one)`,
    calls: [
        { call: "azure-native:authorization:getClientConfig", permissions: [], why: "subscription, tenant and object id of the caller", when: "preview" },
        {
            call: "azure-native:containerservice:listManagedClusterUserCredentials",
            permissions: ["Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"],
            why: "the cluster *user* kubeconfig (no credential in it: kubelogin signs the caller in)",
            when: "preview",
        },
        { call: "azure-native:authorization:getClientToken", permissions: [], why: "the caller's own ARM token: the preflight's reads below, and in `up` the registry push (exchanged at the registry)", when: "preview" },
        { call: `GET ${SUB}/providers`, permissions: ["Microsoft.Resources/subscriptions/providers/read"], why: "preflight: which resource providers are registered", when: "preview" },
        { call: `GET ${SUB}/providers/Microsoft.Compute/skus`, permissions: ["Microsoft.Compute/skus/read"], why: "preflight: the node sizes' quota family, vCPUs and restrictions in the region", when: "preview" },
        { call: `GET ${SUB}/providers/Microsoft.Compute/locations/{location}/usages`, permissions: ["Microsoft.Compute/locations/usages/read"], why: "preflight: the region's vCPU quotas and their use", when: "preview" },
        {
            call: `GET ${SUB}/providers/Microsoft.Authorization/roleAssignments`,
            permissions: ["Microsoft.Authorization/roleAssignments/read"],
            why: "preflight: the caller's role assignments (`assignedTo`), for its right to assign roles",
            when: "preview",
        },
        {
            call: `GET ${SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}`,
            permissions: ["Microsoft.Authorization/roleDefinitions/read"],
            why: "preflight: what each of those roles allows",
            when: "preview",
        },
    ],
    engineCalls: [
        {
            call: "kubeconfig exec plugin: kubelogin",
            permissions: [],
            why: "an Entra token for the cluster; what the identity may do there comes from its AKS RBAC role (local accounts are off)",
            when: "preview",
        },
        {
            call: "POST https://{registry}.azurecr.io/oauth2/exchange",
            permissions: ["AcrPush on the registry (the stack assigns it to the deployer)"],
            why: "the deployer's Entra token exchanged for a registry refresh token, to push the app image",
            when: "deploy",
        },
    ],
    kubernetes: {
        preview: PREVIEW_KUBERNETES_READS,
        deploy: [{ verbs: ["*"], resources: ["*"], why: "namespaces, CRDs, cluster roles, workloads and their Secrets: `Azure Kubernetes Service RBAC Cluster Admin`, which the stack assigns to the deployer" }],
    },
};

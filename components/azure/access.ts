/**
 * Who may use the AKS cluster, and how: Entra ID with Azure RBAC and no local accounts, so access
 * is role assignments on the cluster (the deployer, `platform:clusterAdmins`,
 * `platform:clusterReaders`) and every kubeconfig is a kubelogin one holding no credential.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import type { TeamAccess, TeamGrant } from "../cluster/contract";
import type { DeployerPrincipalType } from "./deployer";
import { roleDefinitionId } from "./registry";

/** Built-in roles (learn.microsoft.com/azure/role-based-access-control/built-in-roles, checked 2026-12-01). */
export const AKS_ROLES = {
    /** Azure Kubernetes Service RBAC Cluster Admin: every Kubernetes object, cluster-wide. */
    clusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    /** Azure Kubernetes Service RBAC Reader: read most objects (not Secrets, not RBAC). */
    reader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
    /** Azure Kubernetes Service Cluster User Role: may list the user kubeconfig (listClusterUserCredential). */
    clusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    /**
     * Contributor, on the data resource group only: the disk CSI driver creates, attaches and
     * snapshots disks there, and the cloud provider binds the static public IP there. No narrower
     * built-in role covers `Microsoft.Compute/disks/write` and snapshots (the Disk * roles are for
     * backup and disk pools); a custom role is the way to narrow it further.
     */
    contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    /**
     * Azure Kubernetes Service RBAC Writer: read/write most objects in a namespace, not roles or
     * role bindings; Kubernetes' `edit` (built-in roles list, checked 2026-12-07). Assigned at the
     * scope `<cluster id>/namespaces/<namespace>` it is confined to that namespace (AKS "Use Azure
     * RBAC for Kubernetes authorization", checked 2026-12-07).
     */
    writer: "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
} as const;

/**
 * A team's editors on AKS get Azure RBAC at the namespace's scope, not a Kubernetes RoleBinding: a
 * principal here is an Entra object id, and which Kubernetes subject one maps to depends on what it
 * is (a group is named by its object id, a user by its UPN, AKS "Use Kubernetes RBAC with Entra ID",
 * checked 2026-12-07), which config cannot tell; a role assignment takes any principal type by id.
 */
export const AKS_TEAM_ACCESS: TeamAccess = { subjects: () => [] };

/** The ARM scope of one namespace of a cluster, where Azure RBAC for Kubernetes takes a role assignment. */
export function namespaceScope(clusterId: string, namespace: string): string {
    return `${clusterId}/namespaces/${namespace}`;
}

/** The decoded first kubeconfig from `listManagedClusterUserCredentials` (the API returns base64). */
export function decodeKubeconfig(creds: containerservice.ListManagedClusterUserCredentialsResult): string {
    const encoded = creds.kubeconfigs?.[0]?.value;
    if (!encoded) throw new Error("AKS returned no user kubeconfig for the cluster");
    return Buffer.from(encoded, "base64").toString("utf8");
}

/** Entra's fixed application id of the AKS server (the token audience kubelogin asks for). */
export const AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * How kubelogin gets an Entra token where Pulumi runs, read from the environment the Azure SDKs
 * use: workload identity (a federated token file, e.g. a CI job's OIDC token), a service principal
 * (client secret or certificate), else the Azure CLI's login (people, and CI jobs that ran
 * `az login`). Never `devicecode`: it waits for a person at a browser, which hangs CI.
 */
export type KubeloginMode = "azurecli" | "workloadidentity" | "spn";
export function kubeloginMode(env: Readonly<Record<string, string | undefined>>): KubeloginMode {
    if (env["AZURE_FEDERATED_TOKEN_FILE"]) return "workloadidentity";
    if (env["AZURE_CLIENT_SECRET"] || env["AZURE_CLIENT_CERTIFICATE_PATH"]) return "spn";
    return "azurecli";
}

/** The API server and its CA from an AKS user kubeconfig (the YAML AKS returns). */
export function kubeconfigEndpoint(kubeconfig: string): { server: string; certificateAuthorityData: string } {
    const server = /^\s*server:\s*(\S+)\s*$/m.exec(kubeconfig)?.[1];
    const ca = /^\s*certificate-authority-data:\s*(\S+)\s*$/m.exec(kubeconfig)?.[1];
    if (!server || !ca) throw new Error("the AKS user kubeconfig has no cluster server or certificate-authority-data");
    return { server, certificateAuthorityData: ca };
}

/**
 * A kubeconfig (JSON, which is YAML) whose user runs `kubelogin get-token`: what `kubelogin
 * convert-kubeconfig -l <mode>` writes, built here so no static credential is ever stored. The
 * tenant is passed for the non-interactive modes, which do not read it from the CLI's login.
 */
export function kubeloginKubeconfig(a: { name: string; server: string; certificateAuthorityData: string; mode: KubeloginMode; tenantId: string }): string {
    const args = ["get-token", "--server-id", AKS_AAD_SERVER_ID, "--login", a.mode];
    if (a.mode !== "azurecli") args.push("--tenant-id", a.tenantId);
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: a.name, cluster: { server: a.server, "certificate-authority-data": a.certificateAuthorityData } }],
        users: [
            {
                name: `${a.name}-kubelogin`,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "kubelogin",
                        args,
                        env: null,
                        provideClusterInfo: false,
                        installHint: "kubelogin is not on PATH: install it with `az aks install-cli` or from github.com/Azure/kubelogin/releases",
                        interactiveMode: "Never",
                    },
                },
            },
        ],
        contexts: [{ name: a.name, context: { cluster: a.name, user: `${a.name}-kubelogin` } }],
        "current-context": a.name,
    });
}

export interface ClusterAccessArgs {
    /** Entra object ids given the RBAC Cluster Admin role besides the deployer. */
    clusterAdmins: readonly string[];
    /** Entra object ids given the RBAC Reader role. */
    clusterReaders: readonly string[];
    /** Entra type of the deploying identity (`deployerPrincipalType()`). */
    deployerPrincipalType: pulumi.Input<DeployerPrincipalType>;
    /** `platform:teams`: each editor gets RBAC Writer in its team's namespace. Default none. */
    teams?: readonly TeamGrant[];
}

/**
 * The role assignments on the cluster: RBAC Cluster Admin for the deployer (returned: the provider
 * cannot create anything before it), the admins and readers their roles, and both the cluster-user
 * role, so they fetch the (credential-free) kubeconfig with `az aks get-credentials`.
 */
export function grantClusterAccess(
    name: string,
    cluster: containerservice.ManagedCluster,
    args: ClusterAccessArgs,
    client: pulumi.Output<authorization.GetClientConfigResult>,
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    const role = (id: string): pulumi.Output<string> => client.subscriptionId.apply((sub) => roleDefinitionId(sub, id));
    const deployer = new authorization.RoleAssignment(
        `${name}-deployer-admin`,
        { scope: cluster.id, roleDefinitionId: role(AKS_ROLES.clusterAdmin), principalId: client.objectId, principalType: args.deployerPrincipalType },
        opts,
    );
    const grant = (kind: string, roleId: string, principals: readonly string[]): void => {
        for (const principal of principals) {
            // No principalType: an object id may be a user, a group or a service principal.
            new authorization.RoleAssignment(`${name}-${kind}-${principal}`, { scope: cluster.id, roleDefinitionId: role(roleId), principalId: principal }, opts);
        }
    };
    grant("admin", AKS_ROLES.clusterAdmin, args.clusterAdmins);
    grant("reader", AKS_ROLES.reader, args.clusterReaders);
    const editors = (args.teams ?? []).flatMap((t) => t.editors);
    // One cluster-user assignment per principal: Azure refuses a second one (RoleAssignmentExists).
    grant("user", AKS_ROLES.clusterUser, [...new Set([...args.clusterAdmins, ...args.clusterReaders, ...editors])]);
    for (const team of args.teams ?? []) {
        for (const principal of team.editors) {
            new authorization.RoleAssignment(
                `${name}-team-${team.name}-${principal}`,
                { scope: cluster.id.apply((id) => namespaceScope(id, team.name)), roleDefinitionId: role(AKS_ROLES.writer), principalId: principal },
                opts,
            );
        }
    }
    return deployer;
}

/**
 * The user kubeconfig AKS lists carries only the endpoint and CA once local accounts are off: the
 * cluster's kubeconfigs in `mode` are built from them.
 */
export function kubeloginKubeconfigs(
    cluster: containerservice.ManagedCluster,
    resourceGroupName: pulumi.Input<string>,
    tenantId: pulumi.Output<string>,
    opts: pulumi.InvokeOptions,
): { endpoint: pulumi.Output<{ server: string; certificateAuthorityData: string }>; kubeconfig: (mode: KubeloginMode) => pulumi.Output<string> } {
    const creds = containerservice.listManagedClusterUserCredentialsOutput({ resourceGroupName, resourceName: cluster.name }, opts);
    const endpoint = creds.apply((c) => kubeconfigEndpoint(decodeKubeconfig(c)));
    return {
        endpoint,
        kubeconfig: (mode) => pulumi.all([endpoint, tenantId, cluster.name]).apply(([e, tenant, clusterName]) => kubeloginKubeconfig({ name: clusterName, ...e, mode, tenantId: tenant })),
    };
}

/**
 * Azure Container Registry for the platform's images, push credentials for the image build, and
 * AcrPull for the cluster's kubelet identity so nodes pull without an imagePullSecret.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ImageRegistry, RegistryCredentials } from "../cluster";

/**
 * Standard: 100 GiB included storage and enough throughput for one app's images. Premium (about 3x
 * the price) adds geo-replication, private endpoints and retention policies, none of which this
 * platform uses; move to Premium when the cluster goes private.
 */
export const ACR_SKU = "Standard";

/** Built-in `AcrPull` role (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const ACR_PULL_ROLE_DEFINITION_ID = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

/** Length of the random part of the registry name (names are global across Azure). */
export const ACR_NAME_SUFFIX_LENGTH = 8;

/** Full ARM id of a built-in role definition in a subscription. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/**
 * A registry name: ACR allows only 5-50 alphanumerics and the name is global (`<name>.azurecr.io`),
 * so Pulumi's default autoname (`<name>-<hex>`) is rejected. Lower-cased because the login server is.
 */
export function acrRegistryName(prefix: string, suffix: string): string {
    const cleanSuffix = suffix.toLowerCase().replace(/[^a-z0-9]/g, "");
    const cleanPrefix = prefix.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 50 - cleanSuffix.length);
    const name = `${cleanPrefix}${cleanSuffix}`;
    if (name.length < 5) {
        throw new Error(`registry name "${name}" (from "${prefix}" + "${suffix}") is too short; ACR needs 5-50 letters and digits`);
    }
    return name;
}

/** The first admin password, or a clear error rather than an empty push credential. */
export function adminPassword(creds: containerregistry.ListRegistryCredentialsResult): string {
    const password = creds.passwords?.find((p) => p.value)?.value;
    if (!password) throw new Error("the container registry returned no admin password; is adminUserEnabled set?");
    return password;
}

export interface AzureContainerRegistryArgs {
    resourceGroupName: pulumi.Input<string>;
    /** Region of the registry. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** Object id that gets `AcrPull` (the kubelet identity). Default: none, no role assignment. */
    pullPrincipalId?: pulumi.Input<string>;
    /** Repository for the app image inside the registry. Default `visit-counter`. */
    repositoryName?: string;
    /** Build platform of pushed images. Default `linux/amd64` (AKS node VM sizes are x86 by default). */
    platform?: string;
}

export class AzureContainerRegistry extends pulumi.ComponentResource {
    readonly registry: containerregistry.Registry;
    readonly loginServer: pulumi.Output<string>;
    /** Admin credentials for the push; the password (and username) are secret. */
    readonly credentials: RegistryCredentials;
    /** The `AcrPull` assignment; workloads depend on it so image pulls do not fail at first start. */
    readonly pullAssignment?: authorization.RoleAssignment;
    readonly imageRegistry: ImageRegistry;

    constructor(name: string, args: AzureContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:ContainerRegistry", name, {}, opts);

        const suffix = new random.RandomString(
            `${name}-name-suffix`,
            { length: ACR_NAME_SUFFIX_LENGTH, special: false, upper: false },
            { parent: this },
        );

        this.registry = new containerregistry.Registry(
            `${name}-registry`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                registryName: suffix.result.apply((s) => acrRegistryName(name, s)),
                sku: { name: ACR_SKU },
                // Trade-off: the admin user is one registry-wide credential (push, pull and delete on
                // every repository). The narrower option, a repository-scoped Token with a push scope
                // map, cannot be done inside Pulumi: azure-native 3 has no generateCredentials
                // function to mint the token's password. The admin password is kept only as a Pulumi
                // secret (encrypted in state) and is rotated by regenerating it in Azure. Nodes never
                // use it: they pull with their kubelet identity through AcrPull.
                adminUserEnabled: true,
                anonymousPullEnabled: false,
                publicNetworkAccess: "Enabled",
            },
            { parent: this },
        );
        this.loginServer = this.registry.loginServer;

        const creds = containerregistry.listRegistryCredentialsOutput(
            { resourceGroupName: args.resourceGroupName, registryName: this.registry.name },
            { parent: this },
        );
        this.credentials = {
            server: this.registry.loginServer,
            username: pulumi.secret(creds.apply((c) => c.username ?? "")),
            password: pulumi.secret(creds.apply(adminPassword)),
        };

        if (args.pullPrincipalId !== undefined) {
            const client = authorization.getClientConfigOutput({ parent: this });
            this.pullAssignment = new authorization.RoleAssignment(
                `${name}-acr-pull`,
                {
                    scope: this.registry.id,
                    roleDefinitionId: client.subscriptionId.apply((sub) => roleDefinitionId(sub, ACR_PULL_ROLE_DEFINITION_ID)),
                    principalId: args.pullPrincipalId,
                    // Set explicitly: a just-created identity may not have replicated in Entra ID yet,
                    // and without principalType ARM then rejects the assignment (PrincipalNotFound).
                    principalType: "ServicePrincipal",
                },
                { parent: this },
            );
        }

        this.imageRegistry = {
            repository: pulumi.interpolate`${this.registry.loginServer}/${args.repositoryName ?? "visit-counter"}`,
            credentials: this.credentials,
            platform: args.platform ?? "linux/amd64",
        };

        this.registerOutputs({
            loginServer: this.loginServer,
            repository: this.imageRegistry.repository,
            pullAssignmentId: this.pullAssignment?.id,
        });
    }
}

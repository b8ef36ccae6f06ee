/**
 * Azure Container Registry for the platform's images: no admin user; AcrPush for the identity that
 * deploys, which pushes with an Entra token exchanged for a registry token; AcrPull for the
 * cluster's kubelet identity so nodes pull without an imagePullSecret.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ImageRegistry, RegistryCredentials } from "../cluster/contract";
import { type DeployerPrincipalType, deployerPrincipalType } from "./deployer";

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

/** Built-in `AcrPush` role (push and pull), granted to the identity that deploys. */
export const ACR_PUSH_ROLE_DEFINITION_ID = "8311e382-0749-4cb8-b61a-304f252e45ec";

/**
 * The username ACR expects with a refresh token as the password, as `az acr login --expose-token`
 * documents it (learn.microsoft.com/azure/container-registry/container-registry-authentication,
 * checked 2026-12-01).
 */
export const ACR_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";

/** Exchanges an Entra access token for an ACR refresh token (the password of a token login). */
export type AcrTokenExchange = (loginServer: string, tenantId: string, entraToken: string) => Promise<string>;

/** The form `POST https://<loginServer>/oauth2/exchange` takes (Azure/acr docs/AAD-OAuth.md). */
export function exchangeRequestBody(loginServer: string, tenantId: string, entraToken: string): string {
    return new URLSearchParams({ grant_type: "access_token", service: loginServer, tenant: tenantId, access_token: entraToken }).toString();
}

/**
 * The registry's own token exchange, the step `az acr login` makes: no admin user, no stored
 * secret; the refresh token is valid for about three hours and carries the caller's ACR roles.
 */
export const exchangeEntraToken: AcrTokenExchange = async (loginServer, tenantId, entraToken) => {
    if (!entraToken) throw new pulumi.RunError(`no Entra access token to exchange for a push token to ${loginServer}; is the deploying identity logged in?`);
    const response = await globalThis.fetch(`https://${loginServer}/oauth2/exchange`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: exchangeRequestBody(loginServer, tenantId, entraToken),
    });
    const body = (await response.json().catch(() => ({}))) as { refresh_token?: unknown };
    if (!response.ok || typeof body.refresh_token !== "string" || body.refresh_token === "") {
        throw new pulumi.RunError(`${loginServer} refused the Entra token exchange (HTTP ${response.status}); does the deploying identity have AcrPush on the registry?`);
    }
    return body.refresh_token;
};

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
    /**
     * Entra type of the identity that runs `pulumi up` (it gets AcrPush): a person (`User`) or CI's
     * app registration or managed identity (`ServicePrincipal`). ARM refuses an assignment whose type
     * does not match the principal, and the SDK would fill in `User`. Default: read from the
     * deploying identity's token (access.ts `deployerPrincipalType`).
     */
    deployerPrincipalType?: pulumi.Input<DeployerPrincipalType>;
    /** How an Entra token becomes a push token. Default `exchangeEntraToken` (the registry's own endpoint). */
    tokenExchange?: AcrTokenExchange;
}

export class AzureContainerRegistry extends pulumi.ComponentResource {
    readonly registry: containerregistry.Registry;
    readonly loginServer: pulumi.Output<string>;
    /** Push credentials: the login server, and an Entra-based login looked up only in a deployment. */
    readonly credentials: RegistryCredentials;
    /** The `AcrPull` assignment; workloads depend on it so image pulls do not fail at first start. */
    readonly pullAssignment?: authorization.RoleAssignment;
    /** `AcrPush` for the identity that runs `pulumi up`: the push uses that identity, no admin user. */
    readonly pushAssignment: authorization.RoleAssignment;
    readonly imageRegistry: ImageRegistry;

    constructor(name: string, args: AzureContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:ContainerRegistry", name, {}, opts);
        const client = authorization.getClientConfigOutput({ parent: this });

        this.registry = this.newRegistry(name, args);
        this.loginServer = this.registry.loginServer;
        this.pushAssignment = this.assign(`${name}-acr-push`, ACR_PUSH_ROLE_DEFINITION_ID, client.objectId, args.deployerPrincipalType ?? deployerPrincipalType({ parent: this }), client);
        this.credentials = this.pushCredentials(args.tokenExchange ?? exchangeEntraToken, client);
        // principalType set explicitly: a just-created identity may not have replicated in Entra ID
        // yet, and without it ARM then rejects the assignment (PrincipalNotFound).
        this.pullAssignment =
            args.pullPrincipalId === undefined ? undefined : this.assign(`${name}-acr-pull`, ACR_PULL_ROLE_DEFINITION_ID, args.pullPrincipalId, "ServicePrincipal", client);

        this.imageRegistry = {
            repository: pulumi.interpolate`${this.registry.loginServer}/${args.repositoryName ?? "visit-counter"}`,
            credentials: this.credentials,
            platform: args.platform ?? "linux/amd64",
        };

        this.registerOutputs({
            loginServer: this.loginServer,
            repository: this.imageRegistry.repository,
            pullAssignmentId: this.pullAssignment?.id,
            pushAssignmentId: this.pushAssignment.id,
        });
    }

    /** The registry, named after the component plus a random suffix (names are global across Azure). */
    private newRegistry(name: string, args: AzureContainerRegistryArgs): containerregistry.Registry {
        const suffix = new random.RandomString(`${name}-name-suffix`, { length: ACR_NAME_SUFFIX_LENGTH, special: false, upper: false }, { parent: this });
        return new containerregistry.Registry(
            `${name}-registry`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                registryName: suffix.result.apply((s) => acrRegistryName(name, s)),
                sku: { name: ACR_SKU },
                // No admin user (one registry-wide password with push, pull and delete): the deploying
                // identity pushes with its own Entra token and AcrPush, nodes pull through AcrPull.
                adminUserEnabled: false,
                anonymousPullEnabled: false,
                // On, deliberately, and no key: the nodes pull and the deployer pushes over the
                // registry's public endpoint, each with its own Entra identity and role. Turning it
                // off needs a private endpoint in the cluster's network (Premium SKU; firewall rules
                // are Premium too) and a private cluster, neither of which the platform builds
                // (learn.microsoft.com/azure/container-registry/container-registry-skus, checked
                // 2026-12-07); with public access off and no private endpoint every pull fails.
                publicNetworkAccess: "Enabled",
            },
            { parent: this },
        );
    }

    /** Built-in role `roleId` on the registry for `principalId`. */
    private assign(
        resourceName: string,
        roleId: string,
        principalId: pulumi.Input<string>,
        principalType: pulumi.Input<DeployerPrincipalType>,
        client: pulumi.Output<authorization.GetClientConfigResult>,
    ): authorization.RoleAssignment {
        return new authorization.RoleAssignment(
            resourceName,
            { scope: this.registry.id, roleDefinitionId: client.subscriptionId.apply((sub) => roleDefinitionId(sub, roleId)), principalId, principalType },
            { parent: this },
        );
    }

    /**
     * Looked up only when a deployment pushes, never in a preview: the ARM token of whoever runs
     * Pulumi, exchanged for an ACR refresh token once AcrPush exists. A role assignment can take
     * minutes to apply; a first push that is refused succeeds on the next `up`.
     */
    private pushCredentials(exchange: AcrTokenExchange, client: pulumi.Output<authorization.GetClientConfigResult>): RegistryCredentials {
        const { registry, pushAssignment } = this;
        return {
            server: registry.loginServer,
            login: () => {
                const entra = authorization.getClientTokenOutput({}, { parent: this });
                const token = pulumi
                    .all([registry.loginServer, client.tenantId, entra.token, pushAssignment.id])
                    .apply(([server, tenant, t]) => exchange(server, tenant, t));
                return { username: ACR_TOKEN_USERNAME, password: pulumi.secret(token) };
            },
        };
    }
}

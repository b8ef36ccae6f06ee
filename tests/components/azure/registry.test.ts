import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AppImage } from "../../../components/workloads/app-image";
import {
    ACR_TOKEN_USERNAME,
    AzureContainerRegistry,
    type AcrTokenExchange,
    acrRegistryName,
    exchangeEntraToken,
    exchangeRequestBody,
    roleDefinitionId,
} from "../../../components/azure/registry";
import { APP_TOKEN, USER_TOKEN, entraToken } from "./helpers";
import { principalTypeFromToken } from "../../../components/azure/deployer";
import { isSecret, mockCall, mockState, runProgram, valueOf } from "../../harness/mocks";

const REGISTRY = "azure-native:containerregistry:Registry";


/** The token the mocked getClientToken returns. */
let token = "";
/** Entra token reads (getClientToken) and exchanges seen while a program ran. */
let tokenReads = 0;
let exchanges: [string, string, string][] = [];

/** A stand-in for the registry's /oauth2/exchange endpoint. */
const fakeExchange: AcrTokenExchange = (server, tenant, token) => {
    exchanges.push([server, tenant, token]);
    return Promise.resolve(`acr-refresh-for-${token}`);
};

describe("AzureContainerRegistry", () => {
    beforeEach(() => {
        tokenReads = 0;
        exchanges = [];
        token = APP_TOKEN;
        mockState(REGISTRY, (args) => ({
            name: args.inputs.registryName,
            loginServer: `${String(args.inputs.registryName)}.azurecr.io`,
        }));
        mockState("random:index/randomString:RandomString", () => ({ result: "k3x9q2m7" }));
        mockCall("azure-native:authorization:getClientToken", () => {
            tokenReads++;
            return { token };
        });
        mockCall("azure-native:authorization:getClientConfig", () => ({
            subscriptionId: "sub-1",
            tenantId: "tenant",
            clientId: "client",
            objectId: "deployer",
        }));
    });

    it("creates a Standard registry with a global-safe alphanumeric name, admin user and anonymous pull off", async () => {
        const { resources } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg", location: "westeurope" }));
        const suffix = resources.one("random:index/randomString:RandomString", "acr-name-suffix");
        assert.deepEqual(suffix.inputs, { length: 8, special: false, upper: false });
        const registry = resources.one(REGISTRY, "acr-registry");
        assert.deepEqual(registry.inputs, {
            resourceGroupName: "rg",
            location: "westeurope",
            registryName: "acrk3x9q2m7",
            sku: { name: "Standard" },
            adminUserEnabled: false,
            anonymousPullEnabled: false,
            publicNetworkAccess: "Enabled",
            // Filled in by the SDK's defaults, listed so a provider upgrade that changes them shows here.
            networkRuleBypassOptions: "AzureServices",
            zoneRedundancy: "Disabled",
        });
        assert.match(registry.parent, /platform:azure:ContainerRegistry::acr$/);
    });

    it("grants AcrPush on this registry to the identity that deploys, typed as its token says: a service principal in CI", async () => {
        token = APP_TOKEN;
        const { resources, result } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg" }), { preview: true });
        const push = resources.one("azure-native:authorization:RoleAssignment", "acr-acr-push");
        assert.deepEqual(push.inputs, {
            principalId: "deployer",
            principalType: "ServicePrincipal",
            roleDefinitionId: "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec",
            scope: "acr-registry-id",
        });
        assert.equal(result.pullAssignment, undefined);
    });

    it("types AcrPush for a person who deploys from a laptop as User (ARM refuses a mismatched type)", async () => {
        token = USER_TOKEN;
        const { resources } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg" }), { preview: true });
        assert.equal(resources.one("azure-native:authorization:RoleAssignment", "acr-acr-push").inputs.principalType, "User");
        const given = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg", deployerPrincipalType: "ServicePrincipal" }));
        assert.equal(given.resources.one("azure-native:authorization:RoleAssignment", "acr-acr-push").inputs.principalType, "ServicePrincipal");
    });

    it("pushes with the deployer's Entra token exchanged for a registry token, after AcrPush exists", async () => {
        token = "entra-arm-token";
        const { result: acr } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg", tokenExchange: fakeExchange, deployerPrincipalType: "ServicePrincipal" }));
        const creds = acr.imageRegistry.credentials ?? assert.fail("no credentials");
        assert.equal(await valueOf(creds.server), "acrk3x9q2m7.azurecr.io");
        assert.equal(tokenReads, 0, "nothing is read until a push asks");
        const { result: login } = await runProgram(() => creds.login());
        assert.equal(await valueOf(login.username), ACR_TOKEN_USERNAME);
        assert.equal(await valueOf(login.password), "acr-refresh-for-entra-arm-token");
        assert.equal(await isSecret(pulumi.output(login.password)), true);
        assert.deepEqual(exchanges, [["acrk3x9q2m7.azurecr.io", "tenant", "entra-arm-token"]]);
    });

    it("reads and exchanges no token in a preview of the image; a deployment does both once", async () => {
        token = "entra-arm-token";
        const program = () => new AppImage("app", { registry: new AzureContainerRegistry("acr", { resourceGroupName: "rg", tokenExchange: fakeExchange, deployerPrincipalType: "ServicePrincipal" }).imageRegistry });
        const preview = await runProgram(program, { preview: true });
        assert.equal(tokenReads, 0);
        assert.deepEqual(exchanges, []);
        assert.deepEqual(preview.resources.one("docker:index/image:Image").inputs.registry, { server: "acrk3x9q2m7.azurecr.io" });

        const up = await runProgram(program);
        assert.equal(tokenReads, 1);
        assert.equal(exchanges.length, 1);
        assert.deepEqual(up.resources.one("docker:index/image:Image").inputs.registry, {
            server: "acrk3x9q2m7.azurecr.io",
            username: ACR_TOKEN_USERNAME,
            password: "acr-refresh-for-entra-arm-token",
        });
    });

    it("names the app repository inside the registry and builds for linux/amd64 unless told otherwise", async () => {
        const { result: defaults } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg" }));
        assert.equal(await valueOf(defaults.imageRegistry.repository), "acrk3x9q2m7.azurecr.io/visit-counter");
        assert.equal(defaults.imageRegistry.platform, "linux/amd64");

        const { result: custom } = await runProgram(
            () => new AzureContainerRegistry("acr", { resourceGroupName: "rg", repositoryName: "team/app", platform: "linux/arm64" }),
        );
        assert.equal(await valueOf(custom.imageRegistry.repository), "acrk3x9q2m7.azurecr.io/team/app");
        assert.equal(custom.imageRegistry.platform, "linux/arm64");
    });

    it("grants AcrPull to the given principal, scoped to this registry", async () => {
        const { resources } = await runProgram(
            () => new AzureContainerRegistry("acr", { resourceGroupName: "rg", pullPrincipalId: pulumi.output("kubelet-oid") }),
        );
        const assignment = resources.one("azure-native:authorization:RoleAssignment", "acr-acr-pull");
        assert.deepEqual(assignment.inputs, {
            principalId: "kubelet-oid",
            principalType: "ServicePrincipal",
            roleDefinitionId: "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
            scope: "acr-registry-id",
        });
        assert.match(assignment.parent, /platform:azure:ContainerRegistry::acr$/);
    });

    it("creates no AcrPull assignment without a pull principal", async () => {
        const { result, resources } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg" }));
        assert.deepEqual(resources.ofType("azure-native:authorization:RoleAssignment").map((r) => r.name), ["acr-acr-push"]);
        assert.equal(result.pullAssignment, undefined);
    });
});

describe("registry decision helpers", () => {
    it("principalTypeFromToken: idtyp where Entra sets it, else scopes mean a person; a non-JWT is refused", () => {
        assert.equal(principalTypeFromToken(USER_TOKEN), "User");
        assert.equal(principalTypeFromToken(APP_TOKEN), "ServicePrincipal");
        // A managed identity's token: app-only, no idtyp in older token versions.
        assert.equal(principalTypeFromToken(entraToken({ roles: [] })), "ServicePrincipal");
        assert.equal(principalTypeFromToken(entraToken({ scp: "user_impersonation" })), "User");
        assert.throws(() => principalTypeFromToken("opaque"), /not a JWT: cannot tell whether a person or a service principal deploys/);
    });

    it("acrRegistryName keeps only lower-case letters and digits and stays within 50 characters", () => {
        assert.equal(acrRegistryName("platform-acr", "AB12cd34"), "platformacrab12cd34");
        const long = acrRegistryName("x".repeat(80), "k3x9q2m7");
        assert.equal(long.length, 50);
        assert.ok(long.endsWith("k3x9q2m7"));
        assert.throws(() => acrRegistryName("--", "ab"), {
            message: 'registry name "ab" (from "--" + "ab") is too short; ACR needs 5-50 letters and digits',
        });
    });

    it("roleDefinitionId builds the subscription-scoped role definition id", () => {
        assert.equal(
            roleDefinitionId("sub", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
            "/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
        );
    });

    it("exchangeEntraToken posts the Entra token to the registry's /oauth2/exchange and returns its refresh token", async () => {
        assert.equal(
            exchangeRequestBody("r.azurecr.io", "t-1", "a b"),
            "grant_type=access_token&service=r.azurecr.io&tenant=t-1&access_token=a+b",
        );
        const realFetch = globalThis.fetch;
        const seen: string[] = [];
        try {
            globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
                seen.push(`${init?.method} ${String(input)} ${String(init?.body)}`);
                return Promise.resolve(String(init?.body).includes("access_token=good") ? Response.json({ refresh_token: "rt" }) : Response.json({}, { status: 401 }));
            };
            assert.equal(await exchangeEntraToken("r.azurecr.io", "t-1", "good"), "rt");
            assert.deepEqual(seen, ["POST https://r.azurecr.io/oauth2/exchange grant_type=access_token&service=r.azurecr.io&tenant=t-1&access_token=good"]);
            await assert.rejects(exchangeEntraToken("r.azurecr.io", "t-1", "bad"), {
                message: "r.azurecr.io refused the Entra token exchange (HTTP 401); does the deploying identity have AcrPush on the registry?",
            });
            await assert.rejects(exchangeEntraToken("r.azurecr.io", "t-1", ""), /no Entra access token to exchange/);
        } finally {
            globalThis.fetch = realFetch;
        }
    });
});

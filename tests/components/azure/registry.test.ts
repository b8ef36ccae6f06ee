import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    AzureContainerRegistry,
    acrRegistryName,
    adminPassword,
    roleDefinitionId,
} from "../../../components/azure/registry";
import { isSecret, mockCall, mockState, runProgram, valueOf } from "../../harness/mocks";

const REGISTRY = "azure-native:containerregistry:Registry";

/** Invoke arguments seen by the mocked list-credentials call. */
let credentialCalls: Record<string, unknown>[] = [];

describe("AzureContainerRegistry", () => {
    beforeEach(() => {
        credentialCalls = [];
        mockState(REGISTRY, (args) => ({
            name: args.inputs.registryName,
            loginServer: `${String(args.inputs.registryName)}.azurecr.io`,
        }));
        mockState("random:index/randomString:RandomString", () => ({ result: "k3x9q2m7" }));
        mockCall("azure-native:containerregistry:listRegistryCredentials", (args) => {
            credentialCalls.push(args.inputs as Record<string, unknown>);
            return {
                username: "acrk3x9q2m7",
                passwords: [
                    { name: "password", value: "admin-password-1" },
                    { name: "password2", value: "admin-password-2" },
                ],
            };
        });
        mockCall("azure-native:authorization:getClientConfig", () => ({
            subscriptionId: "sub-1",
            tenantId: "tenant",
            clientId: "client",
            objectId: "deployer",
        }));
    });

    it("creates a Standard registry with a global-safe alphanumeric name, admin user on and anonymous pull off", async () => {
        const { resources } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg", location: "westeurope" }));
        const suffix = resources.one("random:index/randomString:RandomString", "acr-name-suffix");
        assert.deepEqual(suffix.inputs, { length: 8, special: false, upper: false });
        const registry = resources.one(REGISTRY, "acr-registry");
        assert.deepEqual(registry.inputs, {
            resourceGroupName: "rg",
            location: "westeurope",
            registryName: "acrk3x9q2m7",
            sku: { name: "Standard" },
            adminUserEnabled: true,
            anonymousPullEnabled: false,
            publicNetworkAccess: "Enabled",
            // Filled in by the SDK's defaults, listed so a provider upgrade that changes them shows here.
            networkRuleBypassOptions: "AzureServices",
            zoneRedundancy: "Disabled",
        });
        assert.match(registry.parent, /platform:azure:ContainerRegistry::acr$/);
    });

    it("offers the admin credentials of this registry for the push, username and password secret", async () => {
        const { result: acr } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg" }));
        assert.deepEqual(credentialCalls, [{ resourceGroupName: "rg", registryName: "acrk3x9q2m7" }]);
        const { server, username, password } = acr.imageRegistry.credentials ?? assert.fail("no credentials");
        assert.equal(await valueOf(server), "acrk3x9q2m7.azurecr.io");
        assert.equal(await valueOf(username), "acrk3x9q2m7");
        assert.equal(await valueOf(password), "admin-password-1");
        assert.equal(await isSecret(pulumi.output(password)), true);
        assert.equal(await isSecret(pulumi.output(username)), true);
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

    it("creates no role assignment without a pull principal", async () => {
        const { result, resources } = await runProgram(() => new AzureContainerRegistry("acr", { resourceGroupName: "rg" }));
        assert.equal(resources.ofType("azure-native:authorization:RoleAssignment").length, 0);
        assert.equal(result.pullAssignment, undefined);
    });
});

describe("registry decision helpers", () => {
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

    it("adminPassword takes the first non-empty password and fails clearly when there is none", () => {
        assert.equal(adminPassword({ username: "u", passwords: [{ name: "password", value: "" }, { name: "password2", value: "p2" }] }), "p2");
        assert.throws(() => adminPassword({ username: "u", passwords: [] }), {
            message: "the container registry returned no admin password; is adminUserEnabled set?",
        });
    });
});

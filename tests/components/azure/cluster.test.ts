import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import {
    AksCluster,
    type AksClusterArgs,
    aksDnsPrefix,
    aksIgnoreChanges,
    azureTarget,
    decodeKubeconfig,
    kubeletObjectId,
    validateAksPool,
} from "../../../components/azure/cluster";
import { AZURE_LOAD_BALANCER, azureStorageFacts } from "../../../components/azure/facts";
import { MANAGED_NODES } from "../../../components/cluster";
import { type AzureConfig, mapConfigSource, readConfig } from "../../../config";
import { AKS_KUBECONFIG, installAzureMocks as installSharedAzureMocks } from "../../harness/cloud-mocks";
import { isSecret, mockCall, runProgram, valueOf } from "../../harness/mocks";

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
const KUBECONFIG = AKS_KUBECONFIG;

/** Invoke arguments seen by the mocked list-credentials call. */
let credentialCalls: Record<string, unknown>[] = [];

/** The shared AKS mocks, recording the arguments of the credentials invoke. */
function installAzureMocks(): void {
    installSharedAzureMocks();
    mockCall("azure-native:containerservice:listManagedClusterUserCredentials", (args) => {
        credentialCalls.push(args.inputs as Record<string, unknown>);
        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(KUBECONFIG).toString("base64") }] };
    });
}

const ARGS: AksClusterArgs = {
    resourceGroupName: "rg",
    location: "westeurope",
    kubernetesVersion: "1.34",
    nodeSize: "Standard_D4s_v5",
    minNodes: 3,
    maxNodes: 7,
    upgradeChannel: "patch",
    nodeOsUpgradeChannel: "SecurityPatch",
};

function azureConfig(extra: Record<string, string> = {}): AzureConfig {
    const config = readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", ...extra }));
    assert.equal(config.cloud, "azure");
    return config as AzureConfig;
}

type Inputs = Record<string, unknown>;
const field = (o: unknown, key: string): unknown => (o as Inputs)[key];

describe("AksCluster", () => {
    beforeEach(() => {
        credentialCalls = [];
        installAzureMocks();
    });

    async function clusterInputs(args: AksClusterArgs = ARGS): Promise<Inputs> {
        const { resources } = await runProgram(() => new AksCluster("aks", args));
        return resources.one(MANAGED_CLUSTER, "aks-cluster").inputs;
    }

    it("has exactly one inline System pool: autoscaled min..max starting at min, the configured VM size, zones 1-3, VMSS, Azure Linux", async () => {
        const pools = (await clusterInputs()).agentPoolProfiles as Inputs[];
        assert.equal(pools.length, 1);
        assert.deepEqual(pools[0], {
            name: "system",
            mode: "System",
            type: "VirtualMachineScaleSets",
            osType: "Linux",
            osSKU: "AzureLinux",
            vmSize: "Standard_D4s_v5",
            availabilityZones: ["1", "2", "3"],
            enableAutoScaling: true,
            minCount: 3,
            maxCount: 7,
            count: 3,
        });
    });

    it("uses a system-assigned managed identity, RBAC, the Standard (SLA) tier, the configured version and a DNS prefix", async () => {
        const inputs = await clusterInputs();
        assert.deepEqual(inputs.identity, { type: "SystemAssigned" });
        assert.equal(inputs.enableRBAC, true);
        assert.deepEqual(inputs.sku, { name: "Base", tier: "Standard" });
        assert.equal(inputs.kubernetesVersion, "1.34");
        assert.equal(inputs.dnsPrefix, "aks");
        assert.equal(inputs.resourceGroupName, "rg");
        assert.equal(inputs.location, "westeurope");
    });

    it("passes both upgrade channels with the API's casing (upgradeChannel, nodeOSUpgradeChannel)", async () => {
        assert.deepEqual((await clusterInputs()).autoUpgradeProfile, { upgradeChannel: "patch", nodeOSUpgradeChannel: "SecurityPatch" });
    });

    it("enables the OIDC issuer and workload identity", async () => {
        const inputs = await clusterInputs();
        assert.deepEqual(inputs.oidcIssuerProfile, { enabled: true });
        assert.deepEqual(inputs.securityProfile, { workloadIdentity: { enabled: true } });
    });

    it("uses Azure CNI overlay with the Cilium dataplane enforcing NetworkPolicy, behind a standard load balancer", async () => {
        const network = (await clusterInputs()).networkProfile as Inputs;
        const { networkPlugin, networkPluginMode, networkDataplane, networkPolicy, loadBalancerSku } = network;
        assert.deepEqual({ networkPlugin, networkPluginMode, networkDataplane, networkPolicy, loadBalancerSku }, {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "cilium",
            networkPolicy: "cilium",
            loadBalancerSku: "standard",
        });
    });

    it("honours explicit zones and tier", async () => {
        const inputs = await clusterInputs({ ...ARGS, availabilityZones: ["1", "2"], skuTier: "Free" });
        assert.deepEqual(field((inputs.agentPoolProfiles as Inputs[])[0], "availabilityZones"), ["1", "2"]);
        assert.deepEqual(inputs.sku, { name: "Base", tier: "Free" });
    });

    it("reads the user kubeconfig of this cluster, base64-decoded and secret, and builds its provider from it", async () => {
        const { result: aks, resources } = await runProgram(() => new AksCluster("aks", ARGS));
        assert.deepEqual(credentialCalls, [{ resourceGroupName: "rg", resourceName: "aks-cluster-5e6f7a8b" }]);
        assert.equal(await valueOf(aks.kubeconfig), KUBECONFIG);
        assert.equal(await isSecret(aks.kubeconfig), true);

        const provider = resources.one("pulumi:providers:kubernetes", "aks-k8s");
        assert.equal(provider.inputs.kubeconfig, KUBECONFIG);
        assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
        assert.match(provider.parent, /platform:azure:AksCluster::aks$/);
    });

    it("exposes the kubelet identity's object id", async () => {
        const { result: aks } = await runProgram(() => new AksCluster("aks", ARGS));
        assert.equal(await valueOf(aks.kubeletObjectId), "kubelet-object-id");
    });

    it("parents every child to the component", async () => {
        const { resources } = await runProgram(() => new AksCluster("aks", ARGS));
        const children = resources.all.filter((r) => r.type !== "platform:azure:AksCluster");
        assert.ok(children.length >= 2);
        for (const child of children) assert.match(child.parent, /platform:azure:AksCluster::aks$/, `${child.type} ${child.name}`);
    });

    it("rejects pool bounds AKS would refuse, before registering anything", async () => {
        const { resources } = await runProgram(() => {
            assert.throws(() => new AksCluster("aks", { ...ARGS, minNodes: 5, maxNodes: 4 }), {
                message: "AKS system pool maxNodes must be an integer >= minNodes (5), got 4",
            });
        });
        assert.equal(resources.ofType(MANAGED_CLUSTER).length, 0);
    });
});

describe("AKS decision helpers", () => {
    it("aksIgnoreChanges leaves the autoscaled node count to Azure, and the version too when the channel moves minors", () => {
        assert.deepEqual(aksIgnoreChanges("patch"), ["agentPoolProfiles[0].count"]);
        assert.deepEqual(aksIgnoreChanges("node-image"), ["agentPoolProfiles[0].count"]);
        assert.deepEqual(aksIgnoreChanges("none"), ["agentPoolProfiles[0].count"]);
        assert.deepEqual(aksIgnoreChanges("stable"), ["agentPoolProfiles[0].count", "kubernetesVersion"]);
        assert.deepEqual(aksIgnoreChanges("rapid"), ["agentPoolProfiles[0].count", "kubernetesVersion"]);
    });

    it("validateAksPool names the bad bound", () => {
        assert.throws(() => validateAksPool(0, 3), { message: "AKS system pool minNodes must be an integer >= 1, got 0" });
        assert.throws(() => validateAksPool(2, 1001), { message: "AKS system pool maxNodes must be <= 1000, got 1001" });
        assert.doesNotThrow(() => validateAksPool(2, 2));
    });

    it("aksDnsPrefix keeps letters, digits and inner hyphens, at most 54 characters", () => {
        assert.equal(aksDnsPrefix("platform-aks"), "platform-aks");
        assert.equal(aksDnsPrefix("_Platform_AKS_"), "platform-aks");
        assert.equal(aksDnsPrefix(`a${"-b".repeat(40)}`).length, 53);
        assert.throws(() => aksDnsPrefix("--"), { message: 'cannot derive an AKS dnsPrefix from "--": it has no letters or digits' });
    });

    it("decodeKubeconfig decodes the first kubeconfig and fails clearly when there is none", () => {
        assert.equal(decodeKubeconfig({ kubeconfigs: [{ name: "clusterUser", value: Buffer.from("kind: Config").toString("base64") }] }), "kind: Config");
        assert.throws(() => decodeKubeconfig({ kubeconfigs: [] }), { message: "AKS returned no user kubeconfig for the cluster" });
    });

    it("kubeletObjectId reads identityProfile.kubeletidentity and fails clearly without it", () => {
        assert.equal(kubeletObjectId({ kubeletidentity: { objectId: "oid" } }), "oid");
        assert.throws(() => kubeletObjectId(undefined), /no kubelet identity/);
    });
});

describe("azureTarget", () => {
    beforeEach(() => {
        credentialCalls = [];
        installAzureMocks();
    });

    it("puts the resource group in the configured location and builds the cluster from config defaults", async () => {
        const { resources } = await runProgram(() => azureTarget("platform", azureConfig()));
        assert.equal(resources.one("azure-native:resources:ResourceGroup", "platform-rg").inputs.location, "westeurope");
        const cluster = resources.one(MANAGED_CLUSTER, "platform-aks-cluster").inputs;
        assert.equal(cluster.resourceGroupName, "platform-rg-1a2b3c4d");
        assert.equal(cluster.kubernetesVersion, "1.35");
        assert.deepEqual(cluster.autoUpgradeProfile, { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
        const pool = (cluster.agentPoolProfiles as Inputs[])[0];
        assert.deepEqual(
            { vmSize: pool.vmSize, minCount: pool.minCount, maxCount: pool.maxCount, count: pool.count },
            { vmSize: "Standard_D4s_v5", minCount: 2, maxCount: 5, count: 2 },
        );
    });

    it("applies configured version, size, bounds and upgrade channels", async () => {
        const config = azureConfig({
            "platform:kubernetesVersion": "1.36",
            "platform:nodeSize": "Standard_D8s_v5",
            "platform:minNodes": "3",
            "platform:maxNodes": "9",
            "platform:upgradeChannel": "rapid",
            "platform:nodeOsUpgradeChannel": "SecurityPatch",
        });
        const { resources } = await runProgram(() => azureTarget("platform", config));
        const cluster = resources.one(MANAGED_CLUSTER, "platform-aks-cluster").inputs;
        assert.equal(cluster.kubernetesVersion, "1.36");
        assert.deepEqual(cluster.autoUpgradeProfile, { upgradeChannel: "rapid", nodeOSUpgradeChannel: "SecurityPatch" });
        const pool = (cluster.agentPoolProfiles as Inputs[])[0];
        assert.deepEqual(
            { vmSize: pool.vmSize, minCount: pool.minCount, maxCount: pool.maxCount, count: pool.count },
            { vmSize: "Standard_D8s_v5", minCount: 3, maxCount: 9, count: 3 },
        );
    });

    it("grants the cluster's kubelet identity AcrPull on the registry", async () => {
        const { resources } = await runProgram(() => azureTarget("platform", azureConfig()));
        const assignment = resources.one("azure-native:authorization:RoleAssignment", "platform-acr-acr-pull");
        const registry = resources.one("azure-native:containerregistry:Registry", "platform-acr-registry");
        assert.deepEqual(assignment.inputs, {
            principalId: "kubelet-object-id",
            principalType: "ServicePrincipal",
            roleDefinitionId:
                "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
            scope: `${registry.name}-id`,
        });
        assert.equal(registry.inputs.resourceGroupName, "platform-rg-1a2b3c4d");
    });

    it("hands the platform Azure's facts, a secret kubeconfig, the ACR repository and the cluster's provider", async () => {
        const { result: target, resources } = await runProgram(() => azureTarget("platform", azureConfig({ "platform:storageTier": "premium" })));
        assert.equal(target.cloud, "azure");
        assert.deepEqual(target.storage, azureStorageFacts("premium"));
        assert.equal(target.storage.classes.retain.parameters.skuName, "Premium_ZRS");
        assert.deepEqual(target.nodes, MANAGED_NODES);
        assert.equal(target.loadBalancer, AZURE_LOAD_BALANCER);
        assert.ok(target.kubeconfig);
        assert.equal(await isSecret(target.kubeconfig), true);
        assert.equal(await valueOf(target.kubeconfig), KUBECONFIG);
        assert.equal(await valueOf(target.registry.repository), "platformacrk3x9q2m7.azurecr.io/visit-counter");
        assert.equal(await valueOf(target.provider.urn), resources.one("pulumi:providers:kubernetes", "platform-aks-k8s").urn);
    });

    it("makes workloads wait for the cluster and for AcrPull, so the first pods can pull their image", async () => {
        const { result: target, resources } = await runProgram(() => azureTarget("platform", azureConfig()));
        const urns = await Promise.all(target.dependsOn.map((r: pulumi.Resource) => valueOf(r.urn)));
        assert.deepEqual(urns, [
            resources.one(MANAGED_CLUSTER, "platform-aks-cluster").urn,
            resources.one("azure-native:authorization:RoleAssignment", "platform-acr-acr-pull").urn,
        ]);
    });
});

import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import {
    AKS_SYSTEM_POOL,
    AKS_SYSTEM_POOL_TAINT,
    AksCluster,
    type AksClusterArgs,
    aksDnsPrefix,
    aksIgnoreChanges,
    aksSupport,
    kubeletObjectId,
} from "../../../components/azure/cluster";
import { AKS_AAD_SERVER_ID, AKS_ROLES, decodeKubeconfig, kubeconfigEndpoint, kubeloginKubeconfig, kubeloginMode } from "../../../components/azure/access";
import { userPoolName } from "../../../components/azure/nodes/managed";
import * as azure from "../../../components/azure/target";
import { AZURE_PIP_NAME_ANNOTATION, AZURE_PIP_RESOURCE_GROUP_ANNOTATION, azureStorageFacts } from "../../../components/azure/facts";
import { KARPENTER_DO_NOT_DISRUPT, KARPENTER_NODES, CLUSTER_AUTOSCALER_NODES } from "../../../components/cluster/contract";
import { type AzureConfig, mapConfigSource, readConfig } from "../../../config";
import { AKS_CA_DATA, AKS_INGRESS_IP, AKS_KUBECONFIG, AKS_SERVER, installAzureMocks as installSharedAzureMocks } from "../../harness/cloud-mocks";
import { CLUSTER_ARGS as ARGS, USER_TOKEN } from "./helpers";
import { isSecret, mockCall, runProgram, valueOf } from "../../harness/mocks";

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL = "azure-native:containerservice:AgentPool";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SUB = "11111111-2222-3333-4444-555555555555";
const roleId = (id: string): string => `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const ADMIN_OID = "aaaaaaaa-0000-0000-0000-000000000001";
const READER_OID = "bbbbbbbb-0000-0000-0000-000000000002";

/** Invoke arguments seen by the mocked list-credentials call. */
let credentialCalls: Record<string, unknown>[] = [];

/** The shared AKS mocks, recording the arguments of the credentials invoke. */
function installAzureMocks(): void {
    installSharedAzureMocks();
    mockCall("azure-native:containerservice:listManagedClusterUserCredentials", (args) => {
        credentialCalls.push(args.inputs as Record<string, unknown>);
        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(AKS_KUBECONFIG).toString("base64") }] };
    });
}


function azureConfig(extra: Record<string, string> = {}): AzureConfig {
    const config = readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", ...extra }));
    assert.equal(config.cloud, "azure");
    return config as AzureConfig;
}

type Inputs = Record<string, unknown>;

interface ExecUser {
    exec: { command: string; args: string[]; interactiveMode: string };
}
function parseKubeconfig(text: string): { clusters: { cluster: { server: string; "certificate-authority-data": string } }[]; users: { user: ExecUser | Record<string, unknown> }[] } {
    return JSON.parse(text) as ReturnType<typeof parseKubeconfig>;
}

describe("AksCluster", () => {
    beforeEach(() => {
        credentialCalls = [];
        installAzureMocks();
    });

    async function deployed(args: AksClusterArgs = ARGS) {
        const { result, resources } = await runProgram(() => new AksCluster("aks", args));
        return { aks: result, resources, cluster: resources.one(MANAGED_CLUSTER, "aks-cluster") };
    }

    it("keeps a small fixed system pool, zone-spread, tainted so only AKS's critical add-ons run there", async () => {
        const { cluster } = await deployed();
        const pools = cluster.inputs.agentPoolProfiles as Inputs[];
        assert.deepEqual(pools, [
            {
                name: "system",
                mode: "System",
                type: "VirtualMachineScaleSets",
                osType: "Linux",
                osSKU: "AzureLinux",
                vmSize: AKS_SYSTEM_POOL.vmSize,
                availabilityZones: ["1", "2", "3"],
                enableAutoScaling: false,
                count: 2,
                nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
            },
        ]);
        assert.equal(AKS_SYSTEM_POOL_TAINT, "CriticalAddonsOnly=true:NoSchedule");
    });

    it("does not feed the node size or counts into the system pool, and makes a change there a replacement the preview shows", async () => {
        const a = (await deployed()).cluster;
        const b = (await deployed({ ...ARGS, nodeSize: "Standard_D8s_v5", minNodes: 4, maxNodes: 20 })).cluster;
        assert.deepEqual(a.inputs.agentPoolProfiles, b.inputs.agentPoolProfiles);
        // The fields a stack made before this layout (autoscaled, untainted) or a zones change alters.
        assert.ok(a.replaceOnChanges?.includes("agentPoolProfiles[0].nodeTaints"));
        assert.ok(a.replaceOnChanges?.includes("agentPoolProfiles[0].enableAutoScaling"));
        assert.ok(a.replaceOnChanges?.includes("agentPoolProfiles[0].availabilityZones"));
        assert.ok(!a.replaceOnChanges?.some((p) => p.endsWith(".count")), "the count never forces a replacement");
    });

    it("runs the workloads on a separate autoscaled User pool with the configured size, bounds and zones", async () => {
        const { resources } = await deployed();
        const pool = resources.one(AGENT_POOL, "aks-user");
        assert.deepEqual(pool.inputs, {
            resourceGroupName: "rg",
            resourceName: "aks-cluster-5e6f7a8b",
            agentPoolName: userPoolName("Standard_D4s_v5", ["1", "2", "3"]),
            mode: "User",
            type: "VirtualMachineScaleSets",
            osType: "Linux",
            osSKU: "AzureLinux",
            vmSize: "Standard_D4s_v5",
            orchestratorVersion: "1.34",
            availabilityZones: ["1", "2", "3"],
            enableAutoScaling: true,
            minCount: 3,
            maxCount: 7,
            count: 3,
        });
        assert.match(pool.parent, /platform:azure:AksCluster::aks$/);
    });

    it("replaces the user pool on a size change with the new pool first: a new name and create-before-delete", async () => {
        const a = (await deployed()).resources.one(AGENT_POOL, "aks-user");
        const b = (await deployed({ ...ARGS, nodeSize: "Standard_D8s_v5" })).resources.one(AGENT_POOL, "aks-user");
        assert.notEqual(a.inputs.agentPoolName, b.inputs.agentPoolName);
        assert.equal(b.deleteBeforeReplace, false);
        assert.deepEqual(b.ignoreChanges, ["count"]);
        // Bounds change the same pool in place: same name.
        const c = (await deployed({ ...ARGS, minNodes: 1, maxNodes: 12 })).resources.one(AGENT_POOL, "aks-user");
        assert.equal(c.inputs.agentPoolName, a.inputs.agentPoolName);
    });

    it("with zones [] creates both pools without zones", async () => {
        const { cluster, resources } = await deployed({ ...ARGS, availabilityZones: [] });
        assert.equal((cluster.inputs.agentPoolProfiles as Inputs[])[0].availabilityZones, undefined);
        assert.equal(resources.one(AGENT_POOL).inputs.availabilityZones, undefined);
    });

    it("uses Entra ID with Azure RBAC, no local accounts, and the Standard tier with community support by default", async () => {
        const { cluster } = await deployed();
        assert.deepEqual(cluster.inputs.aadProfile, { managed: true, enableAzureRBAC: true, tenantID: "tenant" });
        assert.equal(cluster.inputs.disableLocalAccounts, true);
        assert.deepEqual(cluster.inputs.sku, { name: "Base", tier: "Standard" });
        assert.equal(cluster.inputs.supportPlan, "KubernetesOfficial");
        assert.deepEqual(cluster.inputs.identity, { type: "SystemAssigned" });
        assert.equal(cluster.inputs.kubernetesVersion, "1.34");
    });

    it("with extendedSupport takes long-term support on the Premium tier, as AKS requires", async () => {
        const { cluster } = await deployed({ ...ARGS, extendedSupport: true });
        assert.equal(cluster.inputs.supportPlan, "AKSLongTermSupport");
        assert.deepEqual(cluster.inputs.sku, { name: "Base", tier: "Premium" });
    });

    it("limits the API server to apiAllowedCidrs, and leaves it open without them", async () => {
        assert.equal((await deployed()).cluster.inputs.apiServerAccessProfile, undefined);
        const { cluster } = await deployed({ ...ARGS, apiAllowedCidrs: ["198.51.100.0/24", "203.0.113.7/32"] });
        assert.deepEqual(cluster.inputs.apiServerAccessProfile, { authorizedIPRanges: ["198.51.100.0/24", "203.0.113.7/32"] });
    });

    it("gives the deployer RBAC Cluster Admin on the cluster, and the provider waits for it", async () => {
        const { resources, cluster } = await deployed();
        const admin = resources.one(ROLE_ASSIGNMENT, "aks-deployer-admin");
        assert.deepEqual(admin.inputs, { scope: `${cluster.name}-id`, roleDefinitionId: roleId(AKS_ROLES.clusterAdmin), principalId: "deployer", principalType: "ServicePrincipal" });
        const provider = resources.one("pulumi:providers:kubernetes", "aks-k8s");
        assert.ok(provider.dependsOn.includes(admin.urn));
    });

    it("types the deployer's assignment User when a person deploys from a laptop", async () => {
        mockCall("azure-native:authorization:getClientToken", () => ({ token: USER_TOKEN }));
        const { resources } = await deployed();
        assert.equal(resources.one(ROLE_ASSIGNMENT, "aks-deployer-admin").inputs.principalType, "User");
    });

    it("azure target: both deployer assignments (cluster admin, AcrPush) follow the deploying identity's type", async () => {
        mockCall("azure-native:authorization:getClientToken", () => ({ token: USER_TOKEN }));
        const { resources } = await runProgram(() => azure.target("platform", azureConfig()));
        const types = resources.ofType(ROLE_ASSIGNMENT).filter((r) => r.inputs.principalId === "deployer").map((r) => [r.name, r.inputs.principalType]);
        assert.deepEqual(types.sort(), [["platform-acr-acr-push", "User"], ["platform-aks-deployer-admin", "User"]]);
    });

    it("gives clusterAdmins the admin role, clusterReaders the reader role, and both the cluster-user role for the kubeconfig", async () => {
        const { resources } = await deployed({ ...ARGS, clusterAdmins: [ADMIN_OID], clusterReaders: [READER_OID] });
        const byName = (n: string): Inputs => resources.one(ROLE_ASSIGNMENT, n).inputs;
        assert.equal(byName(`aks-admin-${ADMIN_OID}`).roleDefinitionId, roleId(AKS_ROLES.clusterAdmin));
        assert.equal(byName(`aks-admin-${ADMIN_OID}`).principalId, ADMIN_OID);
        assert.equal(byName(`aks-reader-${READER_OID}`).roleDefinitionId, roleId(AKS_ROLES.reader));
        assert.equal(byName(`aks-user-${ADMIN_OID}`).roleDefinitionId, roleId(AKS_ROLES.clusterUser));
        assert.equal(byName(`aks-user-${READER_OID}`).roleDefinitionId, roleId(AKS_ROLES.clusterUser));
        assert.equal(AKS_ROLES.reader, "7f6c6a51-bcf8-42ba-9220-52d62157d7db");
        assert.equal(AKS_ROLES.clusterAdmin, "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b");
    });

    it("exports a secret kubelogin kubeconfig (azurecli) and gives the provider the login mode of its environment", async () => {
        const { aks, resources } = await deployed({ ...ARGS, env: { AZURE_FEDERATED_TOKEN_FILE: "/var/run/token" } });
        assert.deepEqual(credentialCalls, [{ resourceGroupName: "rg", resourceName: "aks-cluster-5e6f7a8b" }]);
        assert.equal(await isSecret(aks.kubeconfig), true);
        const exported = parseKubeconfig(await valueOf(aks.kubeconfig));
        assert.equal(exported.clusters[0].cluster.server, AKS_SERVER);
        assert.equal(exported.clusters[0].cluster["certificate-authority-data"], AKS_CA_DATA);
        const user = exported.users[0].user as ExecUser;
        assert.equal(user.exec.command, "kubelogin");
        assert.deepEqual(user.exec.args, ["get-token", "--server-id", AKS_AAD_SERVER_ID, "--login", "azurecli"]);

        const provider = resources.one("pulumi:providers:kubernetes", "aks-k8s");
        assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
        const used = parseKubeconfig(provider.inputs.kubeconfig as string).users[0].user as ExecUser;
        assert.deepEqual(used.exec.args, ["get-token", "--server-id", AKS_AAD_SERVER_ID, "--login", "workloadidentity", "--tenant-id", "tenant"]);
        assert.equal(used.exec.interactiveMode, "Never");
    });

    it("exposes the kubelet and cluster identities", async () => {
        const { aks } = await deployed();
        assert.equal(await valueOf(aks.kubeletObjectId), "kubelet-object-id");
        assert.equal(await valueOf(aks.clusterPrincipalId), "cluster-principal-id");
    });

    it("auto node mode: node auto-provisioning on Azure CNI overlay with Cilium, and no user pool", async () => {
        const { cluster, resources } = await deployed({ ...ARGS, nodeMode: "auto" });
        assert.deepEqual(cluster.inputs.nodeProvisioningProfile, { mode: "Auto", defaultNodePools: "Auto" });
        const net = cluster.inputs.networkProfile as Inputs;
        assert.deepEqual([net.networkPlugin, net.networkPluginMode, net.networkDataplane], ["azure", "overlay", "cilium"]);
        assert.equal(resources.ofType(AGENT_POOL).length, 0);
        // Node auto-provisioning refuses the cluster autoscaler on any pool.
        assert.equal((cluster.inputs.agentPoolProfiles as Inputs[])[0].enableAutoScaling, false);
    });

    it("parents every child to the component", async () => {
        const { resources } = await deployed();
        const children = resources.all.filter((r) => r.type !== "platform:azure:AksCluster");
        assert.ok(children.length >= 4);
        for (const child of children) assert.match(child.parent, /platform:azure:AksCluster::aks$/, `${child.type} ${child.name}`);
    });

    it("leaves pool bounds to config, which refuses them before any component exists", () => {
        assert.throws(() => azureConfig({ "platform:minNodes": "5", "platform:maxNodes": "4" }), /platform:maxNodes: 4 is less than platform:minNodes \(5\)/);
        assert.throws(() => azureConfig({ "platform:maxNodes": "1001" }), /platform:maxNodes: 1001 is out of range/);
    });
});

describe("AKS decision helpers", () => {
    it("aksIgnoreChanges leaves the pool's count to the autoscaler, and versions to AKS only when the channel moves minors", () => {
        for (const channel of ["patch", "node-image", "none"] as const) {
            assert.deepEqual(aksIgnoreChanges(channel), { cluster: [], userPool: ["count"] });
        }
        for (const channel of ["stable", "rapid"] as const) {
            assert.deepEqual(aksIgnoreChanges(channel), { cluster: ["kubernetesVersion"], userPool: ["count", "orchestratorVersion"] });
        }
    });

    it("a minor past standard support is refused by config with the upgrade to make, before anything is sent", () => {
        // 1.34's standard support ended 2026-11-30 (calendar); AKS leaves a running cluster on it.
        assert.throws(
            () => readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", "platform:kubernetesVersion": "1.34" })),
            /set platform:kubernetesVersion to the oldest minor allowed above/,
        );
    });

    it("aksSupport: long-term support only with the Premium tier", () => {
        assert.deepEqual(aksSupport(false), { supportPlan: "KubernetesOfficial", tier: "Standard" });
        assert.deepEqual(aksSupport(true), { supportPlan: "AKSLongTermSupport", tier: "Premium" });
    });

    it("userPoolName: a valid AKS pool name (<= 12 lower-case alphanumerics) that changes with size, zones and OS, not with zone order", () => {
        const name = userPoolName("Standard_D4s_v5", ["1", "2", "3"]);
        assert.match(name, /^[a-z][a-z0-9]{0,11}$/);
        assert.equal(userPoolName("Standard_D4s_v5", ["3", "1", "2"]), name);
        assert.notEqual(userPoolName("Standard_D4ps_v5", ["1", "2", "3"]), name);
        assert.notEqual(userPoolName("Standard_D4s_v5", []), name);
        assert.notEqual(userPoolName("Standard_D4s_v5", ["1", "2", "3"], "Ubuntu"), name);
    });

    it("kubeloginMode: workload identity, then a service principal, else the Azure CLI; never device code", () => {
        assert.equal(kubeloginMode({}), "azurecli");
        assert.equal(kubeloginMode({ AZURE_FEDERATED_TOKEN_FILE: "/t", AZURE_CLIENT_ID: "c" }), "workloadidentity");
        assert.equal(kubeloginMode({ AZURE_CLIENT_SECRET: "s" }), "spn");
        assert.equal(kubeloginMode({ AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem" }), "spn");
        assert.equal(kubeloginMode({ AZURE_FEDERATED_TOKEN_FILE: "", AZURE_CLIENT_SECRET: "" }), "azurecli");
    });

    it("kubeloginKubeconfig: an exec user that runs kubelogin non-interactively, with the tenant for non-CLI modes", () => {
        const k = parseKubeconfig(kubeloginKubeconfig({ name: "c", server: "https://x:443", certificateAuthorityData: "Q0E=", mode: "spn", tenantId: "t" }));
        const user = k.users[0].user as ExecUser;
        assert.deepEqual(user.exec.args, ["get-token", "--server-id", AKS_AAD_SERVER_ID, "--login", "spn", "--tenant-id", "t"]);
        assert.equal(user.exec.interactiveMode, "Never");
        assert.equal(AKS_AAD_SERVER_ID, "6dae42f8-4368-4678-94ff-3960e28e3630");
    });

    it("kubeconfigEndpoint reads server and CA, and fails clearly without them", () => {
        assert.deepEqual(kubeconfigEndpoint(AKS_KUBECONFIG), { server: AKS_SERVER, certificateAuthorityData: AKS_CA_DATA });
        assert.throws(() => kubeconfigEndpoint("kind: Config"), /no cluster server or certificate-authority-data/);
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

describe("azure target", () => {
    beforeEach(() => {
        credentialCalls = [];
        installAzureMocks();
    });

    it("puts the resource groups in the configured location and builds the cluster from config defaults", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig()));
        assert.equal(resources.one("azure-native:resources:ResourceGroup", "platform-rg").inputs.location, "westeurope");
        assert.equal(resources.one("azure-native:resources:ResourceGroup", "platform-data-rg").inputs.location, "westeurope");
        const cluster = resources.one(MANAGED_CLUSTER, "platform-aks-cluster").inputs;
        assert.equal(cluster.resourceGroupName, "platform-rg-1a2b3c4d");
        assert.equal(cluster.kubernetesVersion, "1.35");
        assert.deepEqual(cluster.autoUpgradeProfile, { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
        const pool = resources.one(AGENT_POOL, "platform-aks-user").inputs;
        assert.deepEqual(
            { vmSize: pool.vmSize, minCount: pool.minCount, maxCount: pool.maxCount, zones: pool.availabilityZones },
            { vmSize: "Standard_D4s_v5", minCount: 2, maxCount: 5, zones: ["1", "2", "3"] },
        );
    });

    it("applies configured version, size, bounds, zones, channels, CIDRs and principals", async () => {
        const config = azureConfig({
            "platform:kubernetesVersion": "1.36",
            "platform:nodeSize": "Standard_D8s_v5",
            "platform:minNodes": "3",
            "platform:maxNodes": "9",
            "platform:upgradeChannel": "rapid",
            "platform:nodeOsUpgradeChannel": "SecurityPatch",
            "platform:zones": '["1","2"]',
            "platform:apiAllowedCidrs": '["198.51.100.0/24"]',
            "platform:clusterAdmins": `["${ADMIN_OID}"]`,
            "platform:clusterReaders": `["${READER_OID}"]`,
        });
        const { resources } = await runProgram(() => azure.target("platform", config));
        const clusterRecord = resources.one(MANAGED_CLUSTER, "platform-aks-cluster");
        const cluster = clusterRecord.inputs;
        assert.equal(cluster.kubernetesVersion, "1.36");
        assert.deepEqual(clusterRecord.ignoreChanges, ["kubernetesVersion"]);
        assert.deepEqual(cluster.autoUpgradeProfile, { upgradeChannel: "rapid", nodeOSUpgradeChannel: "SecurityPatch" });
        assert.deepEqual(cluster.apiServerAccessProfile, { authorizedIPRanges: ["198.51.100.0/24"] });
        const pool = resources.one(AGENT_POOL, "platform-aks-user").inputs;
        assert.deepEqual(
            { vmSize: pool.vmSize, minCount: pool.minCount, maxCount: pool.maxCount, zones: pool.availabilityZones },
            { vmSize: "Standard_D8s_v5", minCount: 3, maxCount: 9, zones: ["1", "2"] },
        );
        assert.equal(resources.one(ROLE_ASSIGNMENT, `platform-aks-admin-${ADMIN_OID}`).inputs.principalId, ADMIN_OID);
        assert.equal(resources.one(ROLE_ASSIGNMENT, `platform-aks-reader-${READER_OID}`).inputs.principalId, READER_OID);
    });

    it("grants the cluster's kubelet identity AcrPull on the registry", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig()));
        const assignment = resources.one(ROLE_ASSIGNMENT, "platform-acr-acr-pull");
        const registry = resources.one("azure-native:containerregistry:Registry", "platform-acr-registry");
        assert.deepEqual(assignment.inputs, {
            principalId: "kubelet-object-id",
            principalType: "ServicePrincipal",
            roleDefinitionId: roleId("7f951dda-4ed3-4680-a7ca-43fe172d538d"),
            scope: `${registry.name}-id`,
        });
        assert.equal(registry.inputs.resourceGroupName, "platform-rg-1a2b3c4d");
    });

    it("keeps Retain disks and snapshots in a data resource group the cluster identity may write, kept on destroy and protected like data", async () => {
        const { result: target, resources } = await runProgram(() => azure.target("platform", azureConfig()));
        const data = resources.one("azure-native:resources:ResourceGroup", "platform-data-rg");
        assert.equal(data.protect, true);
        assert.equal(data.retainOnDelete, true);
        assert.equal(await valueOf(target.storage.classes.retain.parameters.resourceGroup), "platform-data-rg-1a2b3c4d");
        assert.equal(target.storage.classes.general.parameters.resourceGroup, undefined);
        assert.equal(await valueOf(target.storage.snapshots?.parameters.resourceGroup), "platform-data-rg-1a2b3c4d");
        const access = resources.one(ROLE_ASSIGNMENT, "platform-aks-data-rg");
        assert.deepEqual(access.inputs, { scope: `${data.name}-id`, roleDefinitionId: roleId(AKS_ROLES.contributor), principalId: "cluster-principal-id", principalType: "ServicePrincipal" });
        const urns = await Promise.all(target.dependsOn.map((r: pulumi.Resource) => valueOf(r.urn)));
        assert.ok(urns.includes(access.urn), "claims wait for the cluster identity's access to the data group");
    });

    it("lifts protection of the data group and the ingress IP with protectData false", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:protectData": "false" })));
        assert.equal(resources.one("azure-native:resources:ResourceGroup", "platform-data-rg").protect, false);
        assert.equal(resources.one("azure-native:network:PublicIPAddress", "platform-ingress-ip").protect, false);
    });

    it("picks ZRS disks with zones and LRS without", async () => {
        const zoned = (await runProgram(() => azure.target("platform", azureConfig({ "platform:storageTier": "premium" })))).result;
        assert.equal(zoned.storage.classes.retain.parameters.skuName, "Premium_ZRS");
        assert.equal(zoned.storage.classes.general.parameters.skuName, "Premium_ZRS");
        const flat = (await runProgram(() => azure.target("platform", azureConfig({ "platform:zones": "[]" })))).result;
        assert.equal(flat.storage.classes.general.parameters.skuName, "StandardSSD_LRS");
    });

    it("puts the ingress on a static zone-redundant Standard public IP in the data group, protected, and reports it as ingressAddress", async () => {
        const { result: target, resources } = await runProgram(() => azure.target("platform", azureConfig()));
        const ip = resources.one("azure-native:network:PublicIPAddress", "platform-ingress-ip");
        assert.deepEqual(ip.inputs, {
            resourceGroupName: "platform-data-rg-1a2b3c4d",
            location: "westeurope",
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            zones: ["1", "2", "3"],
        });
        assert.equal(ip.protect, true);
        const claim = target.loadBalancer.address?.annotations ?? {};
        assert.equal(await valueOf(claim[AZURE_PIP_NAME_ANNOTATION]), `${ip.name}-9c8d7e6f`);
        assert.equal(await valueOf(claim[AZURE_PIP_RESOURCE_GROUP_ANNOTATION]), "platform-data-rg-1a2b3c4d");
        assert.deepEqual(await valueOf(target.loadBalancer.address?.addresses), [AKS_INGRESS_IP]);
    });

    it("keeps the ingress IP zone-redundant whatever subset of zones the pools use, so a zones change leaves it in place", async () => {
        const ipZones = async (zones: string) =>
            (await runProgram(() => azure.target("platform", azureConfig({ "platform:zones": zones })))).resources.one("azure-native:network:PublicIPAddress", "platform-ingress-ip").inputs.zones;
        assert.deepEqual(await ipZones('["1"]'), ["1", "2", "3"]);
        assert.deepEqual(await ipZones('["2","3"]'), ["1", "2", "3"]);
        // A region without zones takes no zone-redundant IP: non-zonal.
        assert.equal(await ipZones("[]"), undefined);
    });

    it("builds the app image for linux/arm64 on Arm VM sizes, linux/amd64 otherwise", async () => {
        const arm = (await runProgram(() => azure.target("platform", azureConfig({ "platform:nodeSize": "Standard_D4ps_v5" })))).result;
        assert.equal(arm.registry.platform, "linux/arm64");
        const x86 = (await runProgram(() => azure.target("platform", azureConfig()))).result;
        assert.equal(x86.registry.platform, "linux/amd64");
    });

    it("hands the platform Azure's facts, a secret kubeconfig, the ACR repository and the cluster's provider", async () => {
        const { result: target, resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:storageTier": "premium" })));
        assert.equal(target.cloud, "azure");
        assert.deepEqual(Object.keys(target.storage.classes), Object.keys(azureStorageFacts("premium", { zones: [], dataResourceGroup: "x" }).classes));
        assert.deepEqual(target.nodes, CLUSTER_AUTOSCALER_NODES);
        assert.ok(target.kubeconfig);
        assert.equal(await isSecret(target.kubeconfig), true);
        assert.equal(await valueOf(target.registry.repository), "platformacrk3x9q2m7.azurecr.io/visit-counter");
        assert.equal(await valueOf(target.provider.urn), resources.one("pulumi:providers:kubernetes", "platform-aks-k8s").urn);
    });

    it("auto node mode: no user pool, Karpenter's disruption annotations", async () => {
        const { result: target, resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:nodeMode": "auto" })));
        assert.equal(resources.ofType(AGENT_POOL).length, 0);
        assert.equal(target.nodes, KARPENTER_NODES);
        assert.deepEqual(target.nodes.disruption.neverDisrupt, { [KARPENTER_DO_NOT_DISRUPT]: "true" });
    });

    it("makes workloads wait for the cluster, the user pool, the data-group access and AcrPull", async () => {
        const { result: target, resources } = await runProgram(() => azure.target("platform", azureConfig()));
        const urns = await Promise.all(target.dependsOn.map((r: pulumi.Resource) => valueOf(r.urn)));
        assert.deepEqual(urns, [
            resources.one(MANAGED_CLUSTER, "platform-aks-cluster").urn,
            resources.one(AGENT_POOL, "platform-aks-user").urn,
            resources.one(ROLE_ASSIGNMENT, "platform-aks-data-rg").urn,
            resources.one(ROLE_ASSIGNMENT, "platform-acr-acr-pull").urn,
        ]);
    });

    it("observability native: a Log Analytics workspace with logRetentionDays, Container Insights, managed Prometheus and the control-plane logs", async () => {
        const { result: target, resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:logRetentionDays": "90" })));
        const workspace = resources.one("azure-native:operationalinsights:Workspace");
        assert.deepEqual(workspace.inputs, { resourceGroupName: "platform-rg-1a2b3c4d", location: "westeurope", sku: { name: "PerGB2018" }, retentionInDays: 90 });
        const cluster = resources.one(MANAGED_CLUSTER, "platform-aks-cluster");
        assert.deepEqual(cluster.inputs.addonProfiles, {
            azurepolicy: { enabled: false },
            omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: `${workspace.name}-id`, useAADAuth: "true" } },
        });
        assert.deepEqual(cluster.inputs.azureMonitorProfile, { metrics: { enabled: true } });
        const diagnostics = resources.one("azure-native:monitor:DiagnosticSetting");
        assert.equal(diagnostics.inputs.resourceUri, `${cluster.name}-id`);
        assert.equal(diagnostics.inputs.workspaceId, `${workspace.name}-id`);
        const categories = (diagnostics.inputs.logs as { category: string; enabled: boolean }[]).map((l) => l.category);
        for (const c of ["kube-apiserver", "kube-audit-admin", "cluster-autoscaler", "guard"]) assert.ok(categories.includes(c), c);
        assert.ok(!categories.includes("kube-audit"), "kube-audit (every get/list) is left out for cost");
        const associations = resources.ofType("azure-native:monitor:DataCollectionRuleAssociation");
        assert.equal(associations.length, 3);
        for (const a of associations) assert.equal(a.inputs.resourceUri, `${cluster.name}-id`);
        const prometheusRule = resources.one("azure-native:monitor:DataCollectionRule", "platform-monitor-prometheus");
        assert.deepEqual((prometheusRule.inputs.destinations as Inputs).monitoringAccounts, [
            { name: "MonitoringAccount1", accountResourceId: `${resources.one("azure-native:monitor:AzureMonitorWorkspace").name}-id` },
        ]);
        const where = (await valueOf(target.observability)) as Record<string, string>;
        assert.equal(await valueOf(where.logAnalyticsWorkspaceId), "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6");
        assert.match(await valueOf(where.logs), /^https:\/\/portal\.azure\.com\/#@\/resource.*\/logs$/);
    });

    it("observability none: no workspaces, no agents, no diagnostic setting, and no observability facts", async () => {
        const { result: target, resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:observability": "none" })));
        assert.equal(resources.ofType("azure-native:operationalinsights:Workspace").length, 0);
        assert.equal(resources.ofType("azure-native:monitor:DiagnosticSetting").length, 0);
        const cluster = resources.one(MANAGED_CLUSTER, "platform-aks-cluster").inputs;
        assert.deepEqual(cluster.addonProfiles, { azurepolicy: { enabled: false } });
        assert.equal(cluster.azureMonitorProfile, undefined);
        assert.equal(target.observability, undefined);
    });
});

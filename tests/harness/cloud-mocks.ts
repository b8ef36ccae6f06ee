/**
 * Realistic outputs for the resources and invokes whose values the program reads, so a whole stack
 * evaluates under mocks as it would against the cloud: cluster endpoints and credentials, generated
 * passwords, the ingress controller's load-balancer address. Used by the stack tests, the offline
 * plan and the benchmark. Values are fixed (no randomness) so plans are deterministic.
 */
import { setAccessWait } from "../../components/azure/access-review";
import type { Cloud } from "../../config";
import { mockCall, mockState } from "./mocks";

/** The ingress controller Service's address as each cloud reports it (AWS: NLB hostname). */
export const MOCK_LB_INGRESS: Record<Cloud, { hostname?: string; ip?: string }> = {
    aws: { hostname: "a1b2c3d4e5f6-0123456789.elb.eu-west-1.amazonaws.com" },
    gcp: { ip: "203.0.113.10" },
    azure: { ip: "203.0.113.20" },
    local: {},
};

let cloud: Cloud = "local";

/** Installs the mocks (idempotent); `forCloud` selects the load-balancer address style. */
export function installCloudMocks(forCloud: Cloud): void {
    cloud = forCloud;

    mockState("random:index/randomPassword:RandomPassword", (args) => ({ result: `mock-password-${args.name}` }));

    mockState("kubernetes:core/v1:Service", (args) => {
        const lb = MOCK_LB_INGRESS[cloud];
        const isRead = args.id !== undefined && args.id !== "";
        return isRead && (lb.hostname || lb.ip) ? { status: { loadBalancer: { ingress: [lb] } } } : {};
    });

    mockCall("aws:index/getAvailabilityZones:getAvailabilityZones", () => ({
        names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
    }));
    installAwsMocks();
    installGcpMocks();
    installAzureMocks();
    installLocalMocks();
}

/** The UID of the local cluster's kube-system namespace: its identity for the kind image load. */
export const MOCK_KUBE_SYSTEM_UID = "0f6d3c2e-1b7a-4c55-9a61-6a2f5e0c9d41";

function installLocalMocks(): void {
    mockState("kubernetes:core/v1:Namespace", (args) =>
        args.id === "kube-system" ? { metadata: { name: "kube-system", uid: MOCK_KUBE_SYSTEM_UID } } : {},
    );
}

const AWS_ACCOUNT = "123456789012";
/** Service Quotas values the mocked account has: Elastic IPs and standard On-Demand vCPUs. */
export const MOCK_AWS_QUOTAS: Readonly<Record<string, number>> = { "L-0263D0A3": 10, "L-1216C47A": 64 };
/** vCPUs of the instance types the example stacks use (EC2 DescribeInstanceTypes `DefaultVCpus`). */
const MOCK_AWS_VCPUS: Readonly<Record<string, number>> = { "m6i.large": 2, "m6i.xlarge": 4, "t3.medium": 2 };
const EKS_CLUSTER_NAME = "aws-cluster-eksCluster-0a1b2c3";

function installAwsMocks(): void {
    mockState("awsx:ec2:Vpc", () => ({
        vpcId: "vpc-0a1b2c3d",
        privateSubnetIds: ["subnet-0a000001", "subnet-0a000002", "subnet-0a000003"],
        publicSubnetIds: ["subnet-0b000001", "subnet-0b000002", "subnet-0b000003"],
    }));
    // The program names the cluster (eksClusterName); the kubeconfig's get-token names it too.
    mockState("eks:index:Cluster", (a) => {
        const name = typeof a.inputs.name === "string" ? a.inputs.name : EKS_CLUSTER_NAME;
        return {
            kubeconfigJson: JSON.stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name: "kubernetes", cluster: { server: "https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com", "certificate-authority-data": "Q0E=" } }],
                contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
                "current-context": "aws",
                users: [
                    {
                        name: "aws",
                        user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", name] } },
                    },
                ],
            }),
            oidcProviderArn: `arn:aws:iam::${AWS_ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE`,
            oidcIssuer: "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
            // The security group EKS itself puts on managed nodes.
            eksCluster: { name, vpcConfig: { clusterSecurityGroupId: "sg-0eks00001" } },
        };
    });
    mockState("aws:iam/role:Role", (a) => ({ name: a.name, arn: `arn:aws:iam::${AWS_ACCOUNT}:role/${a.name}` }));
    // Auto-named like the real bucket: the resource name and a random suffix.
    mockState("aws:s3/bucket:Bucket", (a) => ({ bucket: `${a.name}-0a1b2c3`, arn: `arn:aws:s3:::${a.name}-0a1b2c3` }));
    mockState("aws:ecr/repository:Repository", (a) => ({
        name: a.name,
        registryId: AWS_ACCOUNT,
        repositoryUrl: `${AWS_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${a.name}`,
    }));
    // A fresh stack: the cluster has no node groups yet, so each starts at its minimum.
    // A fresh account: no EKS cluster yet, so no node mode switch to refuse.
    mockCall("aws:eks/getClusters:getClusters", () => ({ names: [], id: "eu-west-1" }));
    mockCall("aws:eks/getNodeGroups:getNodeGroups", (a) => ({ clusterName: a.inputs.clusterName, names: [], id: String(a.inputs.clusterName) }));
    mockState("aws:ec2/eip:Eip", (a) => {
        const n = Number(/-(\d+)$/.exec(a.name)?.[1] ?? "0");
        return { allocationId: `eipalloc-0ingress000${n}`, publicIp: `198.51.100.${10 + n}` };
    });
    mockState("aws:ec2/launchTemplate:LaunchTemplate", () => ({ latestVersion: 1 }));
    // The preflight's reads, as an account with room for the example stacks answers them.
    mockCall("aws:servicequotas/getServiceQuota:getServiceQuota", (a) => ({ value: MOCK_AWS_QUOTAS[String(a.inputs.quotaCode)] ?? 0 }));
    mockCall("aws:ec2/getEips:getEips", () => ({ allocationIds: [], publicIps: [] }));
    mockCall("aws:ec2/getInstanceType:getInstanceType", (a) => ({ instanceType: a.inputs.instanceType, defaultVcpus: MOCK_AWS_VCPUS[String(a.inputs.instanceType)] ?? 2 }));
    mockCall("aws:ecr/getAuthorizationToken:getAuthorizationToken", () => ({
        userName: "AWS",
        password: "mock-ecr-token",
        proxyEndpoint: `https://${AWS_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
    }));
}

const GCP_PROJECT = "my-platform-project";
export const MOCK_GCP_PROJECT_NUMBER = 123456789012;
/** Cloud Quotas values of the mocked project (compute.googleapis.com). */
export const MOCK_GCP_QUOTAS: Readonly<Record<string, number>> = {
    "CPUS-per-project-region": 72,
    "N2-CPUS-per-project-region": 72,
    "N2D-CPUS-per-project-region": 72,
    "CPUS-ALL-REGIONS-per-project": 128,
    "SSD-TOTAL-GB-per-project-region": 2048,
    "IN-USE-ADDRESSES-per-project-region": 8,
};

function installGcpMocks(): void {
    mockState("gcp:container/cluster:Cluster", (args) => ({
        name: `${args.name}-1a2b3c`,
        endpoint: "34.76.1.2",
        masterAuth: { clusterCaCertificate: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", clientCertificate: "", clientKey: "" },
    }));
    mockState("gcp:serviceaccount/account:Account", (args) => {
        const email = `${String(args.inputs.accountId)}@${GCP_PROJECT}.iam.gserviceaccount.com`;
        return { email, member: `serviceAccount:${email}` };
    });
    // Auto-named like the real bucket; the project's number, which Workload Identity principals name.
    mockState("gcp:storage/bucket:Bucket", (args) => ({ name: `${args.name}-7d8e9f`, projectNumber: MOCK_GCP_PROJECT_NUMBER }));
    mockState("gcp:container/nodePool:NodePool", (args) => ({ name: `${args.name}-9z8y` }));
    // Auto-named like the real VPC: `platform-shared`'s Filestore instances join it by this name.
    mockState("gcp:compute/network:Network", (args) => ({ name: `${args.name}-5e6f` }));
    // The reserved ingress address: the one the mocked Service reports, as GKE would.
    mockState("gcp:compute/address:Address", () => ({ address: MOCK_LB_INGRESS.gcp.ip }));
    // The preflight's reads, as a project with every API on and room in its quotas answers them.
    mockCall("gcp:projects/getProjectService:getProjectService", (a) => ({
        id: `${String(a.inputs.project)}/${String(a.inputs.service)}`,
        project: a.inputs.project,
        service: a.inputs.service,
    }));
    mockCall("gcp:cloudquota/getSQuotaInfo:getSQuotaInfo", (a) => ({
        quotaId: a.inputs.quotaId,
        dimensionsInfos: [{ applicableLocations: [], dimensions: {}, details: [{ value: String(MOCK_GCP_QUOTAS[String(a.inputs.quotaId)] ?? 0) }] }],
    }));
    mockCall("gcp:compute/getZones:getZones", (a) => ({ names: ["b", "c", "d"].map((z) => `${String(a.inputs.region)}-${z}`) }));
    // Predefined machine types are named <family>-<class>-<vCPUs>.
    mockCall("gcp:compute/getMachineTypes:getMachineTypes", (a) => {
        const name = /name = "([^"]+)"/.exec(String(a.inputs.filter))?.[1] ?? "";
        const cpus = Number(/-(\d+)$/.exec(name)?.[1] ?? "0");
        return { machineTypes: cpus > 0 ? [{ name, guestCpus: cpus }] : [] };
    });
    mockCall("gcp:organizations/getClientConfig:getClientConfig", () => ({
        accessToken: "ya29.mock-access-token",
        project: GCP_PROJECT,
        region: "europe-west1",
        id: "client-config",
    }));
}

/** The subscription the mocked Azure client is signed in to. */
export const MOCK_SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";

/** The kubeconfig the mocked AKS credentials invoke returns (decoded). */
export const AKS_KUBECONFIG =
    "apiVersion: v1\nkind: Config\nclusters:\n- name: platform-aks\n  cluster:\n    certificate-authority-data: TU9DSy1DQQ==\n    server: https://platform-aks.hcp.westeurope.azmk8s.io:443\n";
/** The API server and CA in AKS_KUBECONFIG. */
export const AKS_SERVER = "https://platform-aks.hcp.westeurope.azmk8s.io:443";
export const AKS_CA_DATA = "TU9DSy1DQQ==";
/** The static ingress IP the mocked public IP reports. */
export const AKS_INGRESS_IP = "203.0.113.20";

/** Outputs of the AKS cluster, its registry and their invokes. */
export function installAzureMocks(): void {
    mockState("azure-native:resources:ResourceGroup", (args) => ({ name: `${args.name}-1a2b3c4d` }));
    mockState("azure-native:containerservice:ManagedCluster", (args) => ({
        name: `${args.name}-5e6f7a8b`,
        identity: { type: "SystemAssigned", principalId: "cluster-principal-id" },
        identityProfile: { kubeletidentity: { objectId: "kubelet-object-id", clientId: "kubelet-client-id" } },
        oidcIssuerProfile: { enabled: true, issuerURL: "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/" },
    }));
    mockState("azure-native:operationalinsights:Workspace", () => ({ customerId: "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6" }));
    mockState("azure-native:network:PublicIPAddress", (args) => ({ name: `${args.name}-9c8d7e6f`, ipAddress: AKS_INGRESS_IP }));
    mockState("azure-native:containerregistry:Registry", (args) => ({
        name: args.inputs.registryName,
        loginServer: `${String(args.inputs.registryName)}.azurecr.io`,
    }));
    mockState("random:index/randomString:RandomString", () => ({ result: "k3x9q2m7" }));
    mockState("azure-native:storage:StorageAccount", (args) => ({ name: args.inputs.accountName }));
    mockState("azure-native:storage:BlobContainer", (args) => ({
        name: args.inputs.containerName,
        id: `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${String(args.inputs.resourceGroupName)}/providers/Microsoft.Storage/storageAccounts/${String(args.inputs.accountName)}/blobServices/default/containers/${String(args.inputs.containerName)}`,
    }));
    mockState("azure-native:managedidentity:UserAssignedIdentity", (args) => ({ name: `${args.name}-3c4d5e6f`, clientId: "backup-client-id", principalId: "backup-principal-id" }));
    mockCall("azure-native:containerservice:listManagedClusterUserCredentials", () => ({
        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(AKS_KUBECONFIG).toString("base64") }],
    }));
    mockCall("azure-native:authorization:getClientConfig", () => ({
        subscriptionId: MOCK_SUBSCRIPTION,
        tenantId: "tenant",
        clientId: "client",
        objectId: "deployer",
    }));
    mockCall("azure-native:authorization:getClientToken", () => ({ token: MOCK_ENTRA_TOKEN }));
    armGets = [];
    // The API server answers the deployer's access review at once: its role has applied.
    setAccessWait({ review: () => Promise.resolve(true), poll: { attempts: 1, intervalMs: 0 } });
    installAcrExchangeStub();
}

/**
 * The Entra (ARM) access token the mocked `getClientToken` returns: an unsigned JWT whose claims
 * say a service principal (`idtyp: app`) with the mocked client's object id.
 */
export const MOCK_ENTRA_TOKEN = [
    Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url"),
    Buffer.from(JSON.stringify({ aud: "https://management.azure.com/", idtyp: "app", oid: "deployer", tid: "tenant" })).toString("base64url"),
    "mock-signature",
].join(".");
/** The ACR refresh token the stubbed `/oauth2/exchange` of any `*.azurecr.io` returns. */
export const MOCK_ACR_REFRESH_TOKEN = "mock-acr-refresh-token";

let exchangeStubbed = false;

/** ARM GETs made since the cloud mocks were (re)installed: path and query, without the host. */
let armGets: string[] = [];

/** The ARM GETs the program made (the Azure preflight's reads), in order. */
export function armGetsSoFar(): readonly string[] {
    return [...armGets];
}

const ROLE_DEFINITIONS = "providers/Microsoft.Authorization/roleDefinitions";
/** Built-in role ids (Azure built-in roles reference): User Access Administrator and Contributor. */
const USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";

/**
 * ARM as a subscription with room for the example stacks answers the Azure preflight: every
 * provider registered, the D-series v5 sizes, 100 vCPUs of quota, and a deployer that is
 * Contributor and User Access Administrator on the subscription.
 */
function armAnswer(url: URL): unknown {
    const path = url.pathname;
    if (/^\/subscriptions\/[^/]+\/providers$/.test(path)) {
        const namespaces = ["ContainerService", "Compute", "Network", "ContainerRegistry", "Storage", "ManagedIdentity", "OperationalInsights", "Insights", "Monitor", "AlertsManagement"];
        return { value: namespaces.map((n) => ({ namespace: `Microsoft.${n}`, registrationState: "Registered" })) };
    }
    if (path.endsWith("/providers/Microsoft.Compute/skus")) {
        const size = (vcpus: number) => ({ resourceType: "virtualMachines", name: `Standard_D${vcpus}s_v5`, family: "standardDSv5Family", capabilities: [{ name: "vCPUs", value: String(vcpus) }], restrictions: [] });
        return { value: [size(2), size(4), size(8)] };
    }
    if (path.endsWith("/usages")) {
        return { value: ["cores", "standardDSv5Family"].map((name) => ({ name: { value: name }, currentValue: 0, limit: 100, unit: "Count" })) };
    }
    if (path.endsWith("/providers/Microsoft.Authorization/roleAssignments")) {
        const scope = `/subscriptions/${MOCK_SUBSCRIPTION}`;
        return { value: [USER_ACCESS_ADMINISTRATOR, CONTRIBUTOR].map((id) => ({ properties: { scope, principalId: "deployer", roleDefinitionId: `${scope}/${ROLE_DEFINITIONS}/${id}` } })) };
    }
    if (path.includes(ROLE_DEFINITIONS)) {
        const uaa = path.endsWith(USER_ACCESS_ADMINISTRATOR);
        return {
            properties: uaa
                ? { roleName: "User Access Administrator", permissions: [{ actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], notActions: [] }] }
                : { roleName: "Contributor", permissions: [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"] }] },
        };
    }
    return undefined;
}

/**
 * The registry's token exchange as ACR answers it, so a deployment of the Azure stack evaluates
 * offline; every other request goes to the real `fetch` (and fails, there is no network).
 */
function installAcrExchangeStub(): void {
    if (exchangeStubbed) return;
    exchangeStubbed = true;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
        if (url.hostname.endsWith(".azurecr.io") && url.pathname === "/oauth2/exchange" && init?.method === "POST") {
            const form = new URLSearchParams(String(init.body));
            const ok = form.get("grant_type") === "access_token" && form.get("access_token") === MOCK_ENTRA_TOKEN && form.get("service") === url.hostname;
            return Promise.resolve(
                ok ? Response.json({ refresh_token: MOCK_ACR_REFRESH_TOKEN }) : Response.json({ errors: [{ code: "UNAUTHORIZED" }] }, { status: 401 }),
            );
        }
        if (url.hostname === "management.azure.com" && (init?.method ?? "GET") === "GET") {
            armGets.push(`${url.pathname}${url.search}`);
            if (new Headers(init?.headers).get("Authorization") !== `Bearer ${MOCK_ENTRA_TOKEN}`) {
                return Promise.resolve(Response.json({ error: { code: "InvalidAuthenticationToken" } }, { status: 401 }));
            }
            const body = armAnswer(url);
            return Promise.resolve(body === undefined ? Response.json({ error: { code: "NotFound" } }, { status: 404 }) : Response.json(body));
        }
        return realFetch(input, init);
    };
}

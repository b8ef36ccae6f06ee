import * as assert from "node:assert/strict";
import {
    type AzureReads,
    type CallerAssignment,
    type ComputeUsage,
    ROLES_THE_STACK_ASSIGNS,
    type VmSku,
    allows,
    armReads,
    azurePreflight,
    principalTypeFindings,
    principalTypeOf,
    providerFindings,
    requiredProviders,
    roleAssignmentFindings,
    vcpuFindings,
} from "../../../components/azure/preflight";
import { collectFindings } from "../../../components/cluster/preflight";
import type { AzureConfig } from "../../../config";
import { AZURE, read } from "../../config/fixtures";
import { MOCK_SUBSCRIPTION, armGetsSoFar, installCloudMocks } from "../../harness/cloud-mocks";
import { runProgram } from "../../harness/mocks";

function azureConfig(values: Record<string, string> = {}): AzureConfig {
    const c = read({ ...AZURE, ...values });
    if (c.cloud !== "azure") throw new Error("expected an azure config");
    return c;
}

const SUB = "sub-1";
const jwt = (claims: Record<string, unknown>): string => ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");
const sku = (name: string, vcpus: number, extra: Partial<VmSku> = {}): VmSku => ({ name, family: "standardDSv5Family", vcpus, restrictedLocation: false, restrictedZones: [], ...extra });
const usage = (name: string, limit: number, current = 0): ComputeUsage => ({ name, limit, current });
const D_SERIES = [sku("Standard_D2s_v5", 2), sku("Standard_D4s_v5", 4)];

const UAA: CallerAssignment = { scope: `/subscriptions/${SUB}`, roleName: "User Access Administrator", actions: ["*/read", "Microsoft.Authorization/*"], notActions: [] };
const CONTRIBUTOR: CallerAssignment = {
    scope: `/subscriptions/${SUB}`,
    roleName: "Contributor",
    actions: ["*"],
    notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"],
};

describe("Azure preflight", () => {
    describe("resource providers", () => {
        it("requires the providers of every resource the stack makes, the monitoring ones only with native observability", () => {
            const names = (c: AzureConfig) => requiredProviders(c).map((p) => p.namespace);
            assert.deepEqual(names(azureConfig({ "platform:observability": "none" })), ["Microsoft.ContainerService", "Microsoft.Compute", "Microsoft.Network", "Microsoft.ContainerRegistry", "Microsoft.Storage", "Microsoft.ManagedIdentity"]);
            assert.deepEqual(names(azureConfig()).slice(6), ["Microsoft.OperationalInsights", "Microsoft.Insights", "Microsoft.Monitor", "Microsoft.AlertsManagement"]);
        });

        it("refuses one not registered with the command that registers it, only warns while it registers", () => {
            const required = requiredProviders(azureConfig({ "platform:observability": "none" }));
            const states = new Map(required.map((p) => [p.namespace.toLowerCase(), "Registered"]));
            states.set("microsoft.containerservice", "NotRegistered");
            states.set("microsoft.storage", "Registering");
            const findings = providerFindings(states, required, SUB);
            assert.deepEqual(
                findings.map((f) => [f.severity, f.fix.split(" (")[0]]),
                [
                    ["error", `az provider register --namespace Microsoft.ContainerService --subscription ${SUB} --wait`],
                    ["warning", `az provider register --namespace Microsoft.Storage --subscription ${SUB} --wait`],
                ],
            );
            states.set("microsoft.containerservice", "Registered");
            states.set("microsoft.storage", "Registered");
            assert.deepEqual(providerFindings(states, required, SUB), []);
        });
    });

    describe("vCPU quota", () => {
        it("refuses a family quota below the system pool plus maxNodes of the node size", () => {
            const config = azureConfig({ "platform:nodeSize": "Standard_D4s_v5", "platform:maxNodes": "6" });
            const [f, ...rest] = vcpuFindings(config, D_SERIES, [usage("cores", 100), usage("standardDSv5Family", 20)]);
            assert.equal(rest.length, 0);
            assert.equal(f.severity, "error");
            assert.match(f.what, /standardDSv5Family quota in westeurope is 20 vCPUs; the node pools reach 28$/);
        });

        it("refuses a regional total below the need, and warns when others' use leaves too little free", () => {
            const config = azureConfig({ "platform:nodeSize": "Standard_D4s_v5", "platform:maxNodes": "6" });
            const [total] = vcpuFindings(config, D_SERIES, [usage("cores", 10), usage("standardDSv5Family", 100)]);
            assert.match(total.what, /Total Regional vCPUs quota in westeurope is 10 vCPUs/);
            const [busy] = vcpuFindings(config, D_SERIES, [usage("cores", 100, 80), usage("standardDSv5Family", 100)]);
            assert.equal(busy.severity, "warning");
            assert.match(busy.what, /80 of the 100 vCPUs of the Total Regional vCPUs quota in westeurope are in use; the node pools reach 28 more/);
        });

        it("passes when they fit; in auto mode counts only the system pool", () => {
            const config = azureConfig({ "platform:nodeSize": "Standard_D4s_v5", "platform:maxNodes": "6" });
            assert.deepEqual(vcpuFindings(config, D_SERIES, [usage("cores", 28), usage("standardDSv5Family", 28)]), []);
            const auto = azureConfig({ "platform:nodeMode": "auto", "platform:nodeSize": "", "platform:minNodes": "", "platform:maxNodes": "" });
            assert.deepEqual(vcpuFindings(auto, D_SERIES, [usage("cores", 4), usage("standardDSv5Family", 4)]), []);
        });

        it("refuses a size the subscription cannot use in the region or in one of the pools' zones", () => {
            const config = azureConfig({ "platform:nodeSize": "Standard_D4s_v5" });
            const [location] = vcpuFindings(config, [sku("Standard_D2s_v5", 2), sku("Standard_D4s_v5", 4, { restrictedLocation: true })], [usage("cores", 100)]);
            assert.match(location.what, /Standard_D4s_v5 is not offered to this subscription in westeurope/);
            const [zone] = vcpuFindings(config, [sku("Standard_D2s_v5", 2), sku("Standard_D4s_v5", 4, { restrictedZones: ["3"] })], [usage("cores", 100)]);
            assert.match(zone.what, /in zone\(s\) 3 of westeurope/);
            const [missing] = vcpuFindings(azureConfig({ "platform:nodeSize": "Standard_E4s_v5" }), D_SERIES, [usage("cores", 100)]);
            assert.match(missing.what, /Standard_E4s_v5 is not offered/);
        });
    });

    describe("the deploying identity", () => {
        it("tells a service principal from a user by the token's idtyp, or by scp when idtyp is absent", () => {
            assert.equal(principalTypeOf(jwt({ idtyp: "app", oid: "o" })), "ServicePrincipal");
            assert.equal(principalTypeOf(jwt({ idtyp: "user", oid: "o", scp: "user_impersonation" })), "User");
            assert.equal(principalTypeOf(jwt({ oid: "o", scp: "user_impersonation" })), "User");
            assert.equal(principalTypeOf(jwt({ oid: "o", roles: [] })), "ServicePrincipal");
            assert.equal(principalTypeOf("opaque-token"), undefined);
            assert.equal(principalTypeOf("a.%%%.c"), undefined);
        });

        it("refuses a user as deployer (a deployment only), and warns when it cannot tell", () => {
            const [user] = principalTypeFindings("User");
            assert.equal(user.severity, "error");
            assert.equal(user.aboutCaller, true);
            assert.deepEqual(principalTypeFindings("ServicePrincipal"), []);
            assert.equal(principalTypeFindings(undefined)[0].severity, "warning");
        });

        it("reads Azure's wildcards and notActions: User Access Administrator may assign roles, Contributor may not", () => {
            assert.ok(allows(UAA, "Microsoft.Authorization/roleAssignments/write"));
            assert.ok(!allows(CONTRIBUTOR, "Microsoft.Authorization/roleAssignments/write"));
            assert.ok(allows(CONTRIBUTOR, "Microsoft.ContainerService/managedClusters/write"));
            assert.ok(allows({ actions: ["Microsoft.Authorization/roleAssignments/*"], notActions: [] }, "microsoft.authorization/roleassignments/write"));
        });

        it("refuses an identity without the right to assign roles at the subscription, where the stack's new groups are", () => {
            const [none] = roleAssignmentFindings([CONTRIBUTOR], SUB);
            assert.equal(none.aboutCaller, true);
            assert.match(none.what, /no role at subscription sub-1 \(or above\) that allows Microsoft.Authorization\/roleAssignments\/write/);
            assert.equal(roleAssignmentFindings([{ ...UAA, scope: `/subscriptions/${SUB}/resourceGroups/other` }], SUB).length, 1);
            assert.deepEqual(roleAssignmentFindings([CONTRIBUTOR, UAA], SUB), []);
            assert.deepEqual(roleAssignmentFindings([{ ...UAA, scope: "/providers/Microsoft.Management/managementGroups/platform" }], SUB), []);
        });

        it("refuses a conditioned assignment that leaves out a role the stack assigns, naming it", () => {
            const ids = Object.values(ROLES_THE_STACK_ASSIGNS);
            const condition = (list: string[]) => `@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list.join(", ")}}`;
            assert.deepEqual(roleAssignmentFindings([{ ...UAA, condition: condition(ids) }], SUB), []);
            const [f] = roleAssignmentFindings([{ ...UAA, condition: condition(ids.slice(4)) }], SUB);
            assert.match(f.what, /does not allow assigning Azure Kubernetes Service RBAC Cluster Admin \(b1ff04bb/);
            assert.doesNotMatch(f.what, /AcrPush/);
        });
    });

    describe("through ARM with the caller's own token, under the mocks", () => {
        beforeEach(() => installCloudMocks("azure"));

        it("reads providers, SKUs, usages and role assignments of the subscription, and finds nothing in a roomy one", async () => {
            const config = azureConfig({ "platform:nodeSize": "Standard_D4s_v5", "platform:maxNodes": "6" });
            const { result, invokes } = await runProgram(() => collectFindings(azurePreflight(config, armReads())));
            assert.deepEqual(result, []);
            const gets = armGetsSoFar().map((g) => decodeURIComponent(g.split("?")[0]));
            const sub = `/subscriptions/${MOCK_SUBSCRIPTION}`;
            for (const path of [`${sub}/providers`, `${sub}/providers/Microsoft.Compute/skus`, `${sub}/providers/Microsoft.Compute/locations/westeurope/usages`, `${sub}/providers/Microsoft.Authorization/roleAssignments`]) {
                assert.ok(gets.includes(path), `${path} in ${gets.join(", ")}`);
            }
            assert.ok(armGetsSoFar().some((g) => decodeURIComponent(g).includes("$filter=assignedTo('deployer')")));
            const tokens = new Set(invokes.map((i) => i.token));
            assert.ok(tokens.has("azure-native:authorization:getClientToken") && tokens.has("azure-native:authorization:getClientConfig"));
        });

        it("finds every problem of a fresh subscription and a user deployer at once", async () => {
            const bodies: Record<string, unknown> = {
                providers: { value: [{ namespace: "Microsoft.ContainerService", registrationState: "Registered" }] },
                skus: { value: [] },
                usages: { value: [{ name: { value: "cores" }, currentValue: 0, limit: 10 }] },
                roleAssignments: { value: [{ properties: { scope: `/subscriptions/${SUB}`, roleDefinitionId: "/x/contributor" } }] },
                contributor: { properties: { roleName: "Contributor", permissions: [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }] } },
            };
            const reads: AzureReads = {
                client: () => Promise.resolve({ subscriptionId: SUB, objectId: "me" }),
                token: () => Promise.resolve(jwt({ idtyp: "user", oid: "me", scp: "user_impersonation" })),
                get: (path) => Promise.resolve(bodies[Object.keys(bodies).find((k) => path.split("?")[0].toLowerCase().endsWith(k.toLowerCase())) ?? ""]),
            };
            const config = azureConfig({ "platform:observability": "none" });
            const findings = await collectFindings(azurePreflight(config, reads));
            const byCheck = (id: string) => findings.filter((f) => f.check === id && f.severity === "error").length;
            assert.equal(byCheck("azure-resource-providers"), 5, "Compute, Network, ContainerRegistry, Storage and ManagedIdentity");
            assert.equal(byCheck("azure-vcpu-quota"), 2, "neither pool's size is offered");
            assert.equal(byCheck("azure-deploying-identity"), 2, "a user, without the right to assign roles");
        });
    });
});

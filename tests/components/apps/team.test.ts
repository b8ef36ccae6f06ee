/** A team's namespace: its objects, its editors as each cloud names them, the quota check, and the stack wiring. */
import * as assert from "node:assert/strict";
import { AKS_ROLES, AKS_TEAM_ACCESS } from "../../../components/azure/access";
import { AksCluster } from "../../../components/azure/cluster";
import { EKS_TEAM_ACCESS, accessEntries, eksTeamGroup } from "../../../components/aws/cluster";
import { GKE_TEAM_ACCESS } from "../../../components/gcp/access";
import { LOCAL_TEAM_ACCESS } from "../../../components/local/facts";
import { KUBE_DNS } from "../../../components/cluster/contract";
import { Team, checkQuota, teamFacts } from "../../../components/apps/team";
import { quantityValue } from "../../../components/apps/quantity";
import { DEFAULT_TEAM_QUOTA, type TeamConfig } from "../../../config/teams";
import { EXAMPLE_STACK_OF, runStack } from "../../../scripts/plan-lib";
import { installAzureMocks } from "../../harness/cloud-mocks";
import { runProgram } from "../../harness/mocks";
import { policyViolations, schemaFailures } from "../../harness/stack-checks";
import { CLUSTER_ARGS } from "../azure/helpers";

const SHOP: TeamConfig = { name: "shop", editors: ["user:ana", "group:shop-devs"], quota: DEFAULT_TEAM_QUOTA, postgres: false };
const NS = "kubernetes:core/v1:Namespace";
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const LIMITS = "kubernetes:core/v1:LimitRange";
const BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

describe("Team", () => {
    it("gets a restricted namespace with default-deny networking and DNS, a quota, limits and edit for its editors", async () => {
        const { resources } = await runProgram(() => new Team("team-shop", { team: SHOP, dns: KUBE_DNS, access: LOCAL_TEAM_ACCESS }));
        const ns = resources.one(NS).inputs.metadata as { name: string; labels: Record<string, string> };
        assert.equal(ns.name, "shop");
        assert.equal(ns.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const policies = resources.ofType(POLICY).map((p) => (p.inputs.metadata as { name: string }).name).sort();
        assert.deepEqual(policies, ["allow-dns-egress", "default-deny"]);
        assert.deepEqual((resources.one(QUOTA).inputs.spec as { hard: Record<string, string> }).hard, {
            "requests.cpu": "2",
            "requests.memory": "4Gi",
            "requests.storage": "20Gi",
            pods: "30",
            services: "10",
            persistentvolumeclaims: "5",
            "services.loadbalancers": "0",
            "services.nodeports": "0",
        });
        const limits = (resources.one(LIMITS).inputs.spec as { limits: Record<string, unknown>[] }).limits;
        assert.deepEqual(limits[0], { type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, max: { cpu: "2", memory: "4Gi" } });
        assert.deepEqual(limits[1], { type: "PersistentVolumeClaim", max: { storage: "20Gi" } });
        const binding = resources.one(BINDING).inputs as { metadata: { namespace: string }; roleRef: { kind: string; name: string }; subjects: unknown[] };
        assert.equal(binding.metadata.namespace, "shop");
        assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" });
        assert.deepEqual(binding.subjects, [
            { kind: "User", name: "ana", apiGroup: "rbac.authorization.k8s.io" },
            { kind: "Group", name: "shop-devs", apiGroup: "rbac.authorization.k8s.io" },
        ]);
        for (const r of resources.kubernetesObjects()) assert.match(r.parent, /platform:index:(Team|AppNamespace)::team-shop/, r.name);
    });

    it("binds no one where the cloud grants access outside Kubernetes RBAC, or the team has no editors", async () => {
        const aks = await runProgram(() => new Team("team-shop", { team: { ...SHOP, editors: ["0f0e0d0c-0b0a-0908-0706-050403020100"] }, dns: KUBE_DNS, access: AKS_TEAM_ACCESS }));
        assert.equal(aks.resources.ofType(BINDING).length, 0);
        const none = await runProgram(() => new Team("team-shop", { team: { ...SHOP, editors: [] }, dns: KUBE_DNS, access: EKS_TEAM_ACCESS }));
        assert.equal(none.resources.ofType(BINDING).length, 0);
    });

    it("protects its namespace with protectData, so removing or renaming the team is refused instead of deleting its apps' claims", async () => {
        const kept = await runProgram(() => new Team("team-shop", { team: SHOP, dns: KUBE_DNS, access: LOCAL_TEAM_ACCESS, protectData: true }));
        assert.equal(kept.resources.one(NS).protect, true);
        // The namespace alone: its quota, limits, policies and binding change or go freely.
        for (const r of kept.resources.kubernetesObjects().filter((o) => o.type !== NS)) assert.equal(r.protect, false, r.name);
        const open = await runProgram(() => new Team("team-shop", { team: SHOP, dns: KUBE_DNS, access: LOCAL_TEAM_ACCESS }));
        assert.equal(open.resources.one(NS).protect, false);
    });

    it("keeps a container's default request inside a quota smaller than it", async () => {
        const tiny = { ...SHOP, quota: { ...DEFAULT_TEAM_QUOTA, cpu: "50m", memory: "64Mi" } };
        const { resources } = await runProgram(() => new Team("team-tiny", { team: tiny, dns: KUBE_DNS, access: LOCAL_TEAM_ACCESS }));
        const limits = (resources.one(LIMITS).inputs.spec as { limits: { defaultRequest?: Record<string, string> }[] }).limits;
        assert.deepEqual(limits[0].defaultRequest, { cpu: "50m", memory: "64Mi" });
    });
});

describe("team editors per cloud", () => {
    it("GKE binds Google members by email: users and service accounts as User, groups as Group", () => {
        assert.deepEqual(GKE_TEAM_ACCESS.subjects({ name: "shop", editors: ["user:ana@example.com", "serviceAccount:ci@p.iam.gserviceaccount.com", "group:devs@example.com"] }), [
            { kind: "User", name: "ana@example.com", apiGroup: "rbac.authorization.k8s.io" },
            { kind: "User", name: "ci@p.iam.gserviceaccount.com", apiGroup: "rbac.authorization.k8s.io" },
            { kind: "Group", name: "devs@example.com", apiGroup: "rbac.authorization.k8s.io" },
        ]);
    });

    it("EKS binds the team's group, which the editors' access entries carry", () => {
        assert.deepEqual(EKS_TEAM_ACCESS.subjects({ name: "shop", editors: ["arn:aws:iam::123456789012:role/dev"] }), [{ kind: "Group", name: "platform-team-shop", apiGroup: "rbac.authorization.k8s.io" }]);
    });

    it("EKS: one access entry per principal, whatever lists and teams name it", () => {
        const admin = "arn:aws:iam::123456789012:role/ops";
        const reader = "arn:aws:iam::123456789012:role/audit";
        const dev = "arn:aws:iam::123456789012:role/dev";
        const entries = accessEntries([admin], [reader], "aws", [
            { name: "shop", editors: [dev, admin] },
            { name: "blog", editors: [dev, reader] },
        ]);
        const byPrincipal = Object.values(entries).map((e) => e.principalArn);
        assert.deepEqual([...byPrincipal].sort(), [reader, dev, admin].sort());
        const of = (arn: string) => Object.values(entries).find((e) => e.principalArn === arn);
        assert.deepEqual(of(dev), { principalArn: dev, kubernetesGroups: [eksTeamGroup("blog"), eksTeamGroup("shop")] });
        assert.deepEqual(of(admin)?.kubernetesGroups, ["platform-team-shop"]);
        assert.ok(of(admin)?.accessPolicies?.admin);
        assert.deepEqual(of(reader)?.kubernetesGroups, ["platform-team-blog"]);
        assert.ok(of(reader)?.accessPolicies?.view);
        // The admin and reader entries keep their keys: a team never renames them.
        assert.deepEqual(Object.keys(accessEntries([admin], [reader])), Object.keys(entries).filter((k) => !k.startsWith("editor-")));
    });

    it("EKS: a reader or admin taken off every team is sent no groups, so its entry loses the team's group (and `edit`)", () => {
        const reader = "arn:aws:iam::123456789012:role/audit";
        const before = accessEntries([], [reader], "aws", [{ name: "shop", editors: [reader] }]);
        const after = accessEntries([], [reader], "aws", [{ name: "shop", editors: [] }]);
        // Same key: an update of the entry's groups, not a second entry for the principal.
        assert.deepEqual(Object.keys(after), Object.keys(before));
        // Explicitly empty, not left out: the provider keeps a left-out Optional+Computed value as it was.
        assert.deepEqual(Object.values(after)[0].kubernetesGroups, []);
    });

    it("AKS grants RBAC Writer at the team namespace's scope and the cluster-user role once per principal", async () => {
        installAzureMocks();
        const admin = "aaaaaaaa-0000-0000-0000-000000000001";
        const dev = "cccccccc-0000-0000-0000-000000000003";
        const { resources } = await runProgram(
            () =>
                new AksCluster("aks", {
                    ...CLUSTER_ARGS,
                    clusterAdmins: [admin],
                    teams: [
                        { name: "shop", editors: [dev, admin] },
                        { name: "blog", editors: [dev] },
                    ],
                }),
        );
        const assignments = resources.ofType("azure-native:authorization:RoleAssignment").map((r) => r.inputs as { scope: string; roleDefinitionId: string; principalId: string });
        const writers = assignments.filter((a) => a.roleDefinitionId.endsWith(AKS_ROLES.writer));
        assert.deepEqual(writers.map((a) => [a.principalId, a.scope.replace(/^.*\/namespaces\//, "")]).sort(), [[admin, "shop"], [dev, "blog"], [dev, "shop"]].sort());
        for (const w of writers) assert.match(w.scope, /^aks-cluster-id\/namespaces\/(shop|blog)$/);
        const users = assignments.filter((a) => a.roleDefinitionId.endsWith(AKS_ROLES.clusterUser)).map((a) => a.principalId);
        assert.deepEqual([...users].sort(), [admin, dev].sort());
    });

    it("a local cluster binds user: and group: names as they are", () => {
        assert.deepEqual(LOCAL_TEAM_ACCESS.subjects({ name: "shop", editors: ["user:ana", "group:devs"] }).map((s) => `${s.kind}/${s.name}`), ["User/ana", "Group/devs"]);
        assert.throws(() => LOCAL_TEAM_ACCESS.subjects({ name: "shop", editors: ["ana"] }), /expected user:<name> or group:<name>/);
    });
});

describe("checkQuota", () => {
    const team = teamFacts(SHOP);
    const app = { name: "web", podCpu: "250m", podMemory: "256Mi", pods: 4 };

    it("reads Kubernetes quantities in their base unit", () => {
        assert.equal(quantityValue("500m"), 0.5);
        assert.equal(quantityValue("1.5"), 1.5);
        assert.equal(quantityValue("4Gi"), 4 * 2 ** 30);
        assert.equal(quantityValue("128M"), 128e6);
        assert.equal(quantityValue("lots"), undefined);
    });

    it("passes apps that fit, at their largest scale, exactly to the limit", () => {
        assert.deepEqual(checkQuota(team, [app]), []);
        assert.deepEqual(checkQuota(team, [{ ...app, podCpu: "500m", pods: 4 }]), []);
    });

    it("names the team, the resource, what the apps ask and the quota for each one exceeded", () => {
        const found = checkQuota(team, [app, { name: "worker", podCpu: "1", podMemory: "3Gi", pods: 2, storage: "30Gi", persistentVolumeClaims: 1 }]);
        assert.deepEqual(found, [
            `team "shop": web, worker request 3000m of cpu at their largest scale, above the team's quota of 2; raise the quota in platform:teams or lower the apps' requests or replicas`,
            `team "shop": web, worker request 7168Mi of memory at their largest scale, above the team's quota of 4Gi; raise the quota in platform:teams or lower the apps' requests or replicas`,
            `team "shop": web, worker request 30720Mi of storage at their largest scale, above the team's quota of 20Gi; raise the quota in platform:teams or lower the apps' requests or replicas`,
        ]);
        assert.match(checkQuota(team, [{ ...app, podCpu: "10m", podMemory: "1Mi", pods: 31 }]).join("\n"), /request 31 of pods .* quota of 30/);
    });
});

describe("teams in the platform stack", () => {
    const TEAMS = { "platform:teams": JSON.stringify([{ name: "shop", editors: ["user:ana"] }, { name: "blog" }]) };

    it("makes each team's namespace, and the Gateway admits routes from them", async () => {
        const { resources } = await runStack(EXAMPLE_STACK_OF.local, { ...TEAMS, "platform:ingressController": "gateway" });
        const namespaces = resources.ofType(NS).map((n) => (n.inputs.metadata as { name?: string } | undefined)?.name);
        for (const ns of ["shop", "blog"]) assert.ok(namespaces.includes(ns), namespaces.join(", "));
        const gateway = resources.all.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway");
        const listeners = (gateway?.inputs.spec as { listeners: { allowedRoutes: { namespaces: { selector: { matchExpressions: { values: string[] }[] } } } }[] }).listeners;
        for (const l of listeners) for (const ns of ["shop", "blog", "apps"]) assert.ok(l.allowedRoutes.namespaces.selector.matchExpressions[0].values.includes(ns), ns);
        for (const r of resources.ofType(QUOTA)) assert.notEqual(r.provider, "", r.name);
    });

    it("with the gateway, gives `edit` HTTPRoutes (and `view` reading them), so a team's editors can route their apps", async () => {
        const { resources } = await runStack(EXAMPLE_STACK_OF.local, { ...TEAMS, "platform:ingressController": "gateway" });
        const roles = resources.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").map((r) => r.inputs as { metadata: { labels: Record<string, string> }; rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] });
        const aggregatedTo = (role: string) => roles.filter((r) => r.metadata.labels[`rbac.authorization.k8s.io/aggregate-to-${role}`] === "true").flatMap((r) => r.rules);
        const routes = (role: string) => aggregatedTo(role).filter((r) => r.apiGroups.includes("gateway.networking.k8s.io") && r.resources.includes("httproutes"));
        for (const verb of ["create", "update", "patch", "delete"]) assert.ok(routes("edit").some((r) => r.verbs.includes(verb)), verb);
        assert.deepEqual(routes("view").flatMap((r) => r.verbs).sort(), ["get", "list", "watch"]);
    });

    it("protects the team namespaces as platform:protectData says", async () => {
        const shop = (r: Awaited<ReturnType<typeof runStack>>["resources"]) => r.ofType(NS).find((n) => (n.inputs.metadata as { name?: string } | undefined)?.name === "shop");
        assert.equal(shop((await runStack(EXAMPLE_STACK_OF.local, TEAMS)).resources)?.protect, true);
        assert.equal(shop((await runStack(EXAMPLE_STACK_OF.local, { ...TEAMS, "platform:protectData": "false" })).resources)?.protect, false);
    });

    it("passes the schema and the policy pack", async () => {
        const { resources } = await runStack(EXAMPLE_STACK_OF.local, TEAMS);
        assert.deepEqual(schemaFailures(resources), []);
        assert.deepEqual(await policyViolations(resources), []);
    });
});

describe("teams through each cloud's target", () => {
    const binding = (resources: Awaited<ReturnType<typeof runStack>>["resources"]) =>
        (resources.one(BINDING).inputs as { subjects: { kind: string; name: string }[] }).subjects.map((s) => `${s.kind}/${s.name}`);

    it("aws: the editor's access entry carries the team's group, which the RoleBinding names", async () => {
        const dev = "arn:aws:iam::123456789012:role/shop-dev";
        const { resources } = await runStack(EXAMPLE_STACK_OF.aws, { "platform:teams": JSON.stringify([{ name: "shop", editors: [dev] }]) });
        const entries = Object.values(resources.one("eks:index:Cluster").inputs.accessEntries as Record<string, { principalArn: string; kubernetesGroups?: string[] }>);
        assert.deepEqual(entries.find((e) => e.principalArn === dev)?.kubernetesGroups, ["platform-team-shop"]);
        assert.deepEqual(binding(resources), ["Group/platform-team-shop"]);
    });

    it("gcp: the RoleBinding names the Google members by email", async () => {
        const { resources } = await runStack(EXAMPLE_STACK_OF.gcp, { "platform:teams": JSON.stringify([{ name: "shop", editors: ["user:ana@example.com"] }]) });
        assert.deepEqual(binding(resources), ["User/ana@example.com"]);
    });

    it("azure: RBAC Writer at the namespace's scope, and no RoleBinding", async () => {
        const editor = "0f0e0d0c-0b0a-0908-0706-050403020100";
        const { resources } = await runStack(EXAMPLE_STACK_OF.azure, { "platform:teams": JSON.stringify([{ name: "shop", editors: [editor] }]) });
        assert.equal(resources.ofType(BINDING).length, 0);
        const writers = resources
            .ofType("azure-native:authorization:RoleAssignment")
            .map((r) => r.inputs as { scope: string; roleDefinitionId: string; principalId: string })
            .filter((a) => a.roleDefinitionId.endsWith(AKS_ROLES.writer));
        assert.deepEqual(writers.map((w) => [w.principalId, w.scope.endsWith("/namespaces/shop")]), [[editor, true]]);
    });
});

/** The `platformContract` output: versioned, the kubeconfig secret, `none` where the target offers nothing. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { type AppPlatform, PLATFORM_CONTRACT_VERSION, checkContractVersion, disruptionData, dnsData } from "../../components/apps/contract";
import { CLUSTER_AUTOSCALER_DISRUPTION, KUBE_DNS } from "../../components/cluster/contract";
import { teamFacts } from "../../components/apps/team";
import { DEFAULT_TEAM_QUOTA } from "../../config/teams";
import { contractValue, platformContract } from "../../stacks/platform-contract";
import { isSecret, runProgram, valueOf } from "../harness/mocks";

const PLATFORM: AppPlatform = {
    entryPoints: [{ kind: "ingress", ingressClassName: "nginx", dataPlanePeer: { podSelector: { matchLabels: { app: "nginx" } } }, endpoint: pulumi.output("lb.example.com") }],
    tls: { clusterIssuer: pulumi.output("platform-selfsigned"), enabled: false, acmeHttp01: false },
    storageClasses: { general: "platform-standard", retain: "platform-retain", shared: "none" },
    nodes: { disruption: disruptionData(CLUSTER_AUTOSCALER_DISRUPTION) },
    dns: dnsData(KUBE_DNS),
};
const TEAMS = [teamFacts({ name: "shop", editors: [], quota: DEFAULT_TEAM_QUOTA, postgres: false })];

describe("platformContract", () => {
    it("carries the version, the resolved facts and the teams as plain data", async () => {
        const { result } = await runProgram(() =>
            platformContract({ platform: PLATFORM, kubeconfig: undefined, registry: { repository: "visit-counter" }, teams: TEAMS }),
        );
        const contract = await valueOf(contractValue(result));
        assert.equal(contract.version, PLATFORM_CONTRACT_VERSION);
        assert.doesNotThrow(() => checkContractVersion(contract));
        assert.deepEqual(contract.entryPoints, [{ kind: "ingress", ingressClassName: "nginx", dataPlanePeer: { podSelector: { matchLabels: { app: "nginx" } } }, endpoint: "lb.example.com" }]);
        assert.equal(contract.tls.clusterIssuer, "platform-selfsigned");
        assert.deepEqual(contract.teams, [{ name: "shop", namespace: "shop", quota: { cpu: "2", memory: "4Gi", storage: "20Gi", objects: { pods: 30, services: 10, persistentvolumeclaims: 5 } } }]);
        assert.deepEqual(JSON.parse(JSON.stringify(contract)), contract, "plain data only");
    });

    it("carries a team's database as plain data, its host resolved, in the same version (an added field)", async () => {
        const postgres = {
            host: pulumi.output("postgres.apps.svc"),
            port: 5432,
            database: "shop",
            user: "shop",
            passwordSecret: { name: "shop-postgres", key: "password" },
            serverPeer: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres" } } },
            clientLabels: { "platform.example.com/postgres-client": "shop" },
        };
        const { result } = await runProgram(() => platformContract({ platform: PLATFORM, kubeconfig: undefined, registry: { repository: "visit-counter" }, teams: [{ ...TEAMS[0], postgres }] }));
        const contract = await valueOf(contractValue(result));
        assert.equal(contract.version, 1);
        assert.equal(await isSecret(result.teams), false);
        assert.deepEqual(contract.teams[0].postgres, { ...postgres, host: "postgres.apps.svc" });
        assert.deepEqual(JSON.parse(JSON.stringify(contract)), contract, "plain data only");
    });

    it("says none for a local cluster's kubeconfig and a registry nothing is pushed to", async () => {
        const { result } = await runProgram(() => platformContract({ platform: PLATFORM, kubeconfig: undefined, registry: { repository: "visit-counter" }, teams: [] }));
        const contract = await valueOf(contractValue(result));
        assert.equal(await isSecret(contractValue(result)), false);
        assert.equal(contract.kubeconfig, "none");
        assert.equal(contract.registry, "none");
        assert.deepEqual(contract.teams, []);
    });

    it("keeps a cloud's kubeconfig secret, and only it, and names the repository images are pushed to", async () => {
        const { result } = await runProgram(() =>
            platformContract({
                platform: PLATFORM,
                kubeconfig: pulumi.output("apiVersion: v1"),
                registry: { repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app", credentials: { server: "x", login: () => ({ username: "u", password: "p" }) } },
                teams: [],
            }),
        );
        assert.equal(await isSecret(result.kubeconfig), true);
        for (const field of ["version", "entryPoints", "tls", "storageClasses", "registry", "nodes", "dns", "teams"] as const) assert.equal(await isSecret(result[field]), false, field);
        const contract = await valueOf(contractValue(result));
        assert.equal(contract.kubeconfig, "apiVersion: v1");
        assert.equal(contract.registry, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app");
    });
});

import * as assert from "node:assert/strict";
import { AksCluster } from "../../../components/azure/cluster";
import { AKS_AAD_SERVER_ID } from "../../../components/azure/access";
import { type AccessReviewTarget, CLUSTER_ACCESS_POLL, pollAccess, reviewAllows, setAccessWait } from "../../../components/azure/access-review";
import { AKS_CA_DATA, AKS_SERVER, installAzureMocks } from "../../harness/cloud-mocks";
import { mockCall, runProgram, valueOf } from "../../harness/mocks";
import { CLUSTER_ARGS as ARGS } from "./helpers";


describe("waiting for the deployer's cluster role", () => {
    let reviews: AccessReviewTarget[] = [];
    let tokenEndpoints: unknown[] = [];
    let answers: boolean[] = [];
    beforeEach(() => {
        installAzureMocks();
        reviews = [];
        tokenEndpoints = [];
        mockCall("azure-native:authorization:getClientToken", (args) => {
            tokenEndpoints.push(args.inputs["endpoint"]);
            return { token: args.inputs["endpoint"] === AKS_AAD_SERVER_ID ? "aks-token" : "eyJ.e30.arm" };
        });
        setAccessWait({
            review: (target) => {
                reviews.push(target);
                return Promise.resolve(answers.shift() ?? true);
            },
            poll: { attempts: 3, intervalMs: 1 },
        });
    });

    it("asks the API server, as the deployer with an AKS token, before the Kubernetes provider gets its kubeconfig", async () => {
        answers = [false, false, true];
        const { result, resources } = await runProgram(() => new AksCluster("aks", { ...ARGS, deployerPrincipalType: "User" }));
        assert.equal(reviews.length, 3, "polled until the role applied");
        assert.deepEqual(reviews[0], { server: AKS_SERVER, certificateAuthorityData: AKS_CA_DATA, token: "aks-token" });
        assert.ok(tokenEndpoints.includes(AKS_AAD_SERVER_ID));
        const provider = resources.one("pulumi:providers:kubernetes", "aks-k8s");
        assert.match(String(provider.inputs.kubeconfig), /kubelogin/);
        assert.match(await valueOf(result.kubeconfig), /get-token/);
    });

    it("fails the deployment with what to check when the role never applies within the bound", async () => {
        answers = [false, false, false];
        await assert.rejects(
            runProgram(() => new AksCluster("aks", { ...ARGS, deployerPrincipalType: "User" })),
            /still may not create namespaces on the AKS cluster/,
        );
    });

    it("sends nothing to the cluster in a preview", async () => {
        await runProgram(() => new AksCluster("aks", { ...ARGS, deployerPrincipalType: "User" }), { preview: true });
        assert.deepEqual(reviews, []);
        assert.ok(!tokenEndpoints.includes(AKS_AAD_SERVER_ID));
    });
});

describe("access review decisions", () => {
    it("pollAccess retries until allowed, within the bound, and waits between attempts", async () => {
        const slept: number[] = [];
        const answers = [false, true];
        const attempts = await pollAccess(() => Promise.resolve(answers.shift() ?? false), { attempts: 5, intervalMs: 7 }, (ms) => (slept.push(ms), Promise.resolve()));
        assert.equal(attempts, 2);
        assert.deepEqual(slept, [7]);
        await assert.rejects(pollAccess(() => Promise.resolve(false), { attempts: 2, intervalMs: 60_000 }, () => Promise.resolve()), /after 2 minutes/);
        // The default bound: ten minutes, twice AKS's documented propagation time.
        assert.equal(CLUSTER_ACCESS_POLL.attempts * CLUSTER_ACCESS_POLL.intervalMs, 600_000);
    });

    it("reviewAllows reads status.allowed of a 2xx answer only", () => {
        assert.equal(reviewAllows(201, JSON.stringify({ status: { allowed: true } })), true);
        assert.equal(reviewAllows(201, JSON.stringify({ status: { allowed: false, reason: "" } })), false);
        assert.equal(reviewAllows(403, JSON.stringify({ status: { allowed: true } })), false);
        assert.equal(reviewAllows(201, "not json"), false);
    });
});

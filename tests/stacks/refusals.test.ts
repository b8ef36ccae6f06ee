/**
 * Every refusal a user can meet at run time is a `pulumi.RunError`: Pulumi prints its message alone,
 * where any other error is reported as "failed with an unhandled exception" with a stack trace of
 * transpiled code. Errors that only a bug in the program can raise (a component given arguments no
 * config allows) stay plain errors: there the stack is what helps.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { accessEntries, eksClusterName } from "../../components/aws/cluster";
import { exchangeEntraToken } from "../../components/azure/registry";
import { requireLoadBalancerAddress } from "../../components/entry-points/ingress-nginx";
import { runPreflight } from "../../components/cluster/preflight";
import { localPreflight } from "../../components/local/preflight";
import { type LocalConfig, mapConfigSource, readConfig } from "../../config";

/** Asserts that `run` throws (or rejects with) a RunError whose message matches `message`. */
async function refusesWithRunError(run: () => unknown, message: RegExp): Promise<void> {
    let caught: unknown;
    try {
        await run();
    } catch (e) {
        caught = e;
    }
    assert.ok(caught !== undefined, "refused");
    assert.ok(pulumi.RunError.isInstance(caught), `a RunError, printed without a stack; got ${String(caught)}`);
    assert.match((caught as Error).message, message);
}

describe("refusals are RunErrors", () => {
    it("an invalid configuration", async () => {
        await refusesWithRunError(() => readConfig(mapConfigSource({ "platform:cloud": "local", "platform:appReplicas": "zero" })), /platform:appReplicas/);
        await refusesWithRunError(() => readConfig(mapConfigSource({})), /platform:cloud: is required/);
    });

    it("a local cluster on a Kubernetes minor the entry point does not support", async () => {
        const config = readConfig(mapConfigSource({ "platform:cloud": "local", "platform:ingressController": "nginx" })) as LocalConfig;
        const reading = { version: { major: 1, minor: 36, gitVersion: "v1.36.0" } };
        await refusesWithRunError(() => runPreflight(localPreflight(config, () => reading), { mode: "on", warn: () => undefined }), /Kubernetes v1\.36\.0.*ingress-nginx/s);
    });

    it("the same principal in platform:clusterAdmins and platform:clusterReaders (EKS)", async () => {
        const arn = "arn:aws:iam::123456789012:role/ops";
        await refusesWithRunError(() => accessEntries([arn], [arn]), /both name arn:aws:iam::123456789012:role\/ops/);
    });

    it("a project and stack name with no letter or digit to name the EKS cluster after", async () => {
        await refusesWithRunError(() => eksClusterName("...", "__"), /cannot derive an EKS cluster name/);
    });

    it("a deploying identity that has no Entra token for the registry push (Azure)", async () => {
        await refusesWithRunError(() => exchangeEntraToken("example.azurecr.io", "tenant", ""), /is the deploying identity logged in\?/);
    });

    it("an entry point whose load balancer has no address yet", async () => {
        await refusesWithRunError(() => requireLoadBalancerAddress({ loadBalancer: {} }, "ingress-nginx/controller", "kubectl get svc"), /ingress-nginx\/controller has no load balancer address yet/);
        assert.equal(requireLoadBalancerAddress({ loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } }, "x", "y"), "203.0.113.7");
    });
});

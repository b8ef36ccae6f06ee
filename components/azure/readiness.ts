/**
 * Waiting for the deployer's cluster role to take effect before the Kubernetes provider is used.
 *
 * ARM creates a role assignment at once, but the AKS API server's Azure RBAC webhook sees it only
 * after it has propagated (minutes; learn.microsoft.com/azure/aks/manage-azure-rbac: "role
 * assignments can take up to five minutes to propagate", checked 2026-12-07). Until then every
 * Kubernetes call of the first `pulumi up` is refused. The program asks the API server itself, as
 * the deployer, whether it may create namespaces (a SelfSubjectAccessReview, which every signed-in
 * identity may post), and polls with a bound: no extra provider (command, random) and no sleep in
 * previews, where nothing is sent to the cluster.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { AKS_AAD_SERVER_ID } from "./access";
import { accessWait, pollAccess } from "./access-review";

/**
 * Resolves once the deployer's role applies on the cluster (after `deployerAdmin` exists); at once
 * in a preview. The Kubernetes provider takes its kubeconfig through this, so nothing is sent to
 * the API server before.
 */
export function clusterAccessReady(
    deployerAdmin: pulumi.Resource & { id: pulumi.Output<string> },
    endpoint: pulumi.Output<{ server: string; certificateAuthorityData: string }>,
    opts: pulumi.InvokeOptions,
): pulumi.Output<boolean> {
    if (pulumi.runtime.isDryRun()) return pulumi.output(true);
    const token = authorization.getClientTokenOutput({ endpoint: AKS_AAD_SERVER_ID }, opts).token;
    return pulumi.all([endpoint, token, deployerAdmin.id]).apply(async ([e, t]) => {
        const { review, poll } = accessWait();
        await pollAccess(() => review({ ...e, token: t }), poll);
        return true;
    });
}

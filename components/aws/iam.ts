/**
 * IAM documents shared by the EKS components (the cluster's EBS CSI role, the Cluster Autoscaler's
 * role): pure functions, so tests read the exact JSON.
 */

/** The assume-role policy of an IRSA role: only `namespace/name` in this cluster may assume it. */
export function irsaTrustPolicy(
    oidcProviderArn: string,
    oidcIssuer: string,
    serviceAccount: { namespace: string; name: string },
): Record<string, unknown> {
    const issuer = oidcIssuer.replace(/^https:\/\//, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}

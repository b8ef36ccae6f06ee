/**
 * IAM for the EKS components: the trust policy of an IRSA role (a pure function, so tests read the
 * exact JSON) and the role-plus-managed-policy pair every add-on with AWS access gets.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The AWS partition of a region: IAM, EKS and KMS ARNs there start `arn:<partition>:` (AWS
 * General Reference "Amazon Resource Names", partitions aws, aws-cn, aws-us-gov and the isolated
 * ones; checked 2026-12-07). Worked out from the region, as aws.getPartition would answer it,
 * so the ARNs are known in every preview and test.
 */
export function awsPartition(region: string): string {
    const prefixes: [string, string][] = [
        ["cn-", "aws-cn"],
        ["us-gov-", "aws-us-gov"],
        ["us-isob-", "aws-iso-b"],
        ["us-iso-", "aws-iso"],
        ["eu-isoe-", "aws-iso-e"],
        ["us-isof-", "aws-iso-f"],
    ];
    return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

/** An AWS-owned ARN (managed policy, EKS access policy), written for `aws`, in `partition`. */
export function inPartition(arn: string, partition: string): string {
    return arn.replace(/^arn:aws:/, `arn:${partition}:`);
}

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

export interface IrsaRoleArgs {
    /** The one service account that may assume the role. */
    serviceAccount: { namespace: string; name: string };
    /** The AWS managed policy attached to it, as an `arn:aws:` ARN. */
    policyArn: string;
    /** The partition the policy is attached in. Default `aws`. */
    partition?: string;
    description: string;
    /** The cluster's IAM OIDC provider and issuer (with or without https://). */
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
}

/**
 * An IRSA role (`<prefix>-role`) only `serviceAccount` of the cluster can assume, with one managed
 * policy (`<prefix>-policy`). IRSA rather than Pod Identity: the OIDC provider exists anyway, and
 * IRSA needs no eks-pod-identity-agent DaemonSet to be up before a controller can get credentials.
 */
export function irsaRole(prefix: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): { role: aws.iam.Role; policy: aws.iam.RolePolicyAttachment } {
    const role = new aws.iam.Role(
        `${prefix}-role`,
        {
            assumeRolePolicy: pulumi
                .all([args.oidcProviderArn, args.oidcIssuer])
                .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, args.serviceAccount))),
            description: args.description,
        },
        opts,
    );
    const policy = new aws.iam.RolePolicyAttachment(`${prefix}-policy`, { role: role.name, policyArn: inPartition(args.policyArn, args.partition ?? "aws") }, opts);
    return { role, policy };
}

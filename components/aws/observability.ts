/**
 * Native observability on EKS (`platform:observability native`): the Amazon CloudWatch
 * Observability add-on (CloudWatch agent + Fluent Bit: Container Insights metrics and container
 * logs) with its own IRSA role, and the Container Insights log groups created by the program first,
 * with `platform:logRetentionDays`, so none is left behind with no expiry.
 * Sources (checked 2026-12-01): EKS user guide "Amazon CloudWatch Observability" add-on (service
 * account amazon-cloudwatch/cloudwatch-agent, CloudWatchAgentServerPolicy) and CloudWatch user guide
 * "Container Insights" (log groups /aws/containerinsights/<cluster>/{application,dataplane,host,performance}).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eksAddonVersion } from "./addon-versions";
import { irsaRole } from "./iam";

export const CLOUDWATCH_ADDON = "amazon-cloudwatch-observability";
export const CLOUDWATCH_AGENT_POLICY_ARN = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";
export const CLOUDWATCH_SERVICE_ACCOUNT = { namespace: "amazon-cloudwatch", name: "cloudwatch-agent" } as const;
export const CONTAINER_INSIGHTS_LOG_KINDS = ["application", "dataplane", "host", "performance"] as const;

/** The log groups Container Insights writes for `clusterName`, by kind. */
export function containerInsightsLogGroups(clusterName: string): Record<(typeof CONTAINER_INSIGHTS_LOG_KINDS)[number], string> {
    return Object.fromEntries(CONTAINER_INSIGHTS_LOG_KINDS.map((k) => [k, `/aws/containerinsights/${clusterName}/${k}`])) as Record<
        (typeof CONTAINER_INSIGHTS_LOG_KINDS)[number],
        string
    >;
}

/** Where to look: log group names and the Container Insights console, for the `observability` output. */
export function awsObservabilityOutput(clusterName: string, region: string, controlPlaneLogGroup: string): Record<string, string> {
    const groups = containerInsightsLogGroups(clusterName);
    return {
        controlPlaneLogs: controlPlaneLogGroup,
        applicationLogs: groups.application,
        dataplaneLogs: groups.dataplane,
        hostLogs: groups.host,
        performanceLogs: groups.performance,
        console: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#container-insights:infrastructure/map?~(query~(controls~(CW*3a3aEKS.cluster~(~'${clusterName}))))`,
    };
}

export interface CloudWatchObservabilityArgs {
    /** Known before the cluster exists (eksClusterName), so the log groups can come first. */
    clusterName: string;
    kubernetesVersion: string;
    logRetentionDays: number;
    /** The region's partition, for the agent's managed policy. Default `aws`. */
    partition?: string;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    /** The agent and Fluent Bit need nodes to run on. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class CloudWatchObservability extends pulumi.ComponentResource {
    readonly addon: aws.eks.Addon;
    readonly logGroups: aws.cloudwatch.LogGroup[];

    constructor(name: string, args: CloudWatchObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:CloudWatchObservability", name, {}, opts);

        const groups = containerInsightsLogGroups(args.clusterName);
        this.logGroups = CONTAINER_INSIGHTS_LOG_KINDS.map(
            (kind) => new aws.cloudwatch.LogGroup(`${name}-${kind}`, { name: groups[kind], retentionInDays: args.logRetentionDays }, { parent: this }),
        );
        const sa = CLOUDWATCH_SERVICE_ACCOUNT;
        const { role, policy } = irsaRole(
            name,
            {
                serviceAccount: sa,
                policyArn: CLOUDWATCH_AGENT_POLICY_ARN,
                partition: args.partition,
                description: `CloudWatch agent and Fluent Bit of ${args.clusterName} (${sa.namespace}/${sa.name})`,
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuer: args.oidcIssuer,
            },
            { parent: this },
        );
        this.addon = new aws.eks.Addon(
            `${name}-addon`,
            {
                clusterName: args.clusterName,
                addonName: CLOUDWATCH_ADDON,
                addonVersion: eksAddonVersion(args.kubernetesVersion, CLOUDWATCH_ADDON),
                serviceAccountRoleArn: role.arn,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            // After its log groups: Fluent Bit would otherwise create them itself, with no expiry.
            { parent: this, dependsOn: [...args.dependsOn, role, policy, ...this.logGroups] },
        );
        this.registerOutputs({});
    }
}

/**
 * The node-mode guard: a running cluster's node mode cannot be switched by an update, so the
 * program refuses before anything is registered.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsConfig, NodeMode } from "../../../config";
import type { PreflightCheck } from "../../cluster/preflight";
import { eksClusterName } from "../cluster";
import { EKS_NODE_MODES } from "./index";

/**
 * Why the stack's running cluster cannot move to node mode `wanted`, or undefined (no cluster yet,
 * or the same mode). Refused both ways, before anything changes, because the switch is not an
 * update that keeps data: volumes made by the EBS CSI driver (`ebs.csi.aws.com`, Postgres's among
 * them) cannot be attached by Auto Mode's block storage (`ebs.csi.eks.amazonaws.com`) nor the other
 * way round, every StorageClass would be replaced, and the ingress Service would move to another
 * load balancer controller. AWS documents an in-place path (update-cluster-config, then each
 * detached volume re-created from a snapshot by awslabs/eks-auto-mode-ebs-migration-tool, then the
 * node groups drained, and a new load balancer): a runbook with downtime, not a preview the program
 * could make safe (EKS user guide auto-enable-existing, auto-migrate-mng; checked 2026-12-01).
 */
export function nodeModeSwitchProblem(clusterName: string, live: NodeMode | undefined, wanted: NodeMode): string | undefined {
    if (live === undefined || live === wanted) return undefined;
    const running = EKS_NODE_MODES[live];
    return (
        `platform:nodeMode: "${wanted}" cannot be applied to the running EKS cluster ${clusterName}, which runs ${running.guard.runs}: ` +
        `its volumes (Postgres's among them) were made by ${running.facts.blockStorage.provisioner}, which ${EKS_NODE_MODES[wanted].guard.attachedBy} cannot attach. ` +
        `Keep it with: pulumi config set platform:nodeMode ${live}; to move, see docs/aws.md "Changing nodeMode on AWS" (a new stack and a restore, or AWS's volume migration by hand)`
    );
}

/** The node mode of the stack's cluster as EKS reports it, or undefined before the cluster exists. */
export async function liveEksNodeMode(clusterName: string): Promise<NodeMode | undefined> {
    const { names } = await aws.eks.getClusters();
    if (!names.includes(clusterName)) return undefined;
    const live = await aws.eks.getCluster({ name: clusterName });
    return live.computeConfigs[0]?.enabled === true ? "auto" : "managed";
}

/**
 * The node-mode guard as a preflight check: reads the running cluster (if any) and refuses a
 * `platform:nodeMode` switch before any resource is registered, so the preview fails with the
 * reason instead of planning a change that strands the data. A guard: `platform:preflight off`
 * does not skip it.
 */
export function nodeModeGuard(config: AwsConfig, clusterName = eksClusterName(pulumi.getProject(), pulumi.getStack())): PreflightCheck {
    return {
        id: "aws-node-mode-switch",
        reads: "cloud",
        guard: true,
        run: async () => {
            const live = await liveEksNodeMode(clusterName);
            const problem = nodeModeSwitchProblem(clusterName, live, config.cluster.nodeMode);
            if (problem === undefined || live === undefined) return [];
            return [
                {
                    severity: "error",
                    what: problem,
                    why: "an update cannot switch a running cluster's node mode and keep its volumes",
                    fix: `pulumi config set platform:nodeMode ${live}`,
                },
            ];
        },
    };
}

/**
 * What the AWS identities need: the calls the program makes (held by tests/delivery/permissions.test.ts
 * to every invoke a preview and a deployment of the example stacks make), the calls the providers
 * make on their own, and the Kubernetes access. docs/delivery.md renders it.
 * IAM actions per data source: the AWS provider's docs and the EC2, EKS, ECR and Service Quotas API
 * references (the action is the API operation's name), checked 2026-12-07.
 */
import { type CloudPermissions, PREVIEW_KUBERNETES_READS } from "../cluster/permissions";

export const AWS_PERMISSIONS: CloudPermissions = {
    cloud: "aws",
    previewGrant:
        "`ReadOnlyAccess` (covers every preview call below) with an explicit Deny on `ecr:GetAuthorizationToken`, `secretsmanager:GetSecretValue`, `ssm:GetParameter*` (except on AWS's public parameters, `arn:<partition>:ssm:*::parameter/aws/service/*`), `kms:Decrypt` and `s3:GetObject`; an EKS access entry with `AmazonEKSViewPolicy` (`platform:clusterReaders`)",
    deployGrant:
        "creates the VPC, its NAT gateways and Elastic IPs, EKS and its node groups and add-ons, IAM roles and the OIDC provider, log groups, EFS, ECR and the backups' S3 bucket, and makes every call below; cluster admin as the cluster's creator (EKS's bootstrap entry) or through `platform:clusterAdmins`",
    calls: [
        {
            call: "aws:eks/getClusters:getClusters",
            permissions: ["eks:ListClusters"],
            why: "whether the stack's cluster exists: a node mode switch is refused on a running one, and a deployed stack's Elastic IPs are its own",
            when: "preview",
        },
        {
            call: "aws:eks/getCluster:getCluster",
            permissions: ["eks:DescribeCluster"],
            why: "the running cluster's node mode",
            when: "preview",
            onlyWhen: "once the stack's cluster exists",
            notInExamples: "the mocked account has no cluster yet",
        },
        { call: "aws:eks/getNodeGroups:getNodeGroups", permissions: ["eks:ListNodegroups"], why: "which node groups exist, so a new one starts at its minimum (managed nodes)", when: "preview" },
        { call: "aws:servicequotas/getServiceQuota:getServiceQuota", permissions: ["servicequotas:GetServiceQuota"], why: "preflight: the Elastic IP and On-Demand vCPU quotas", when: "preview" },
        { call: "aws:ec2/getEips:getEips", permissions: ["ec2:DescribeAddresses"], why: "preflight: Elastic IPs already allocated in the region", when: "preview" },
        { call: "aws:ec2/getInstanceType:getInstanceType", permissions: ["ec2:DescribeInstanceTypes"], why: "preflight: vCPUs of `platform:nodeSize` (managed nodes)", when: "preview" },
        { call: "aws:index/getAvailabilityZones:getAvailabilityZones", permissions: ["ec2:DescribeAvailabilityZones"], why: "preflight: the region's zones, for a new VPC", when: "preview" },
        {
            call: "aws:ssm/getParameter:getParameter",
            permissions: ["ssm:GetParameter"],
            why: "the recommended EKS node AMI release for the cluster's minor (AWS's public /aws/service/eks/ parameter)",
            when: "preview",
        },
        {
            call: "aws:cloudcontrol/getResource:getResource",
            permissions: ["cloudformation:GetResource", "eks:DescribeCluster"],
            why: "the running cluster's Secrets key (the EKS data source does not return it), so a change EKS cannot make is refused",
            when: "preview",
            onlyWhen: "once the stack's cluster exists",
            notInExamples: "the mocked account has no cluster yet",
        },
        { call: "aws:ecr/getAuthorizationToken:getAuthorizationToken", permissions: ["ecr:GetAuthorizationToken"], why: "the push token for the app image", when: "deploy" },
    ],
    engineCalls: [
        { call: "AWS provider start-up", permissions: ["sts:GetCallerIdentity"], why: "the provider checks its credentials and learns the account", when: "preview" },
        { call: "awsx:ec2:Vpc (getAvailabilityZones)", permissions: ["ec2:DescribeAvailabilityZones"], why: "awsx picks the new VPC's zones (pulumi-awsx awsx/ec2/vpc.ts getDefaultAzs)", when: "preview" },
        {
            call: "eks:index:ManagedNodeGroup (the EKS provider)",
            permissions: ["eks:DescribeNodegroup"],
            why: "the provider waits on each managed node group it creates or updates until it is active",
            when: "deploy",
        },
        { call: "kubeconfig exec plugin: aws eks get-token", permissions: [], why: "a presigned `sts:GetCallerIdentity`; what the identity may do in the cluster comes from its EKS access entry", when: "preview" },
    ],
    kubernetes: {
        preview: PREVIEW_KUBERNETES_READS,
        deploy: [{ verbs: ["*"], resources: ["*"], why: "namespaces, CRDs, cluster roles, workloads and their Secrets: `AmazonEKSClusterAdminPolicy`" }],
    },
};

/**
 * What the Google Cloud identities need: the calls the program makes (held by
 * tests/delivery/permissions.test.ts to every invoke of a preview and a deployment of the example
 * stacks), the ones made on the program's behalf, and the Kubernetes access. docs/delivery.md
 * renders it. Permissions per method: the Service Usage, Cloud Quotas and Compute Engine API
 * references (IAM permission of each method), checked 2026-12-07.
 */
import { type CloudPermissions, PREVIEW_KUBERNETES_READS } from "../cluster/permissions";

export const GCP_PERMISSIONS: CloudPermissions = {
    cloud: "gcp",
    previewGrant:
        "`roles/viewer` and `roles/container.clusterViewer` on the project (no Artifact Registry writer, no Secret Manager accessor), and `roles/cloudquotas.viewer` for the quota reads; `view` in the cluster through `platform:clusterReaders`",
    deployGrant:
        "creates the network, GKE, Artifact Registry, the backups' bucket and the node service account, enables the APIs the cluster needs (`serviceusage.services.enable`) and grants the node account its project roles (`resourcemanager.projects.setIamPolicy`), and makes every call below; cluster admin as the cluster's creator",
    calls: [
        { call: "gcp:projects/getProjectService:getProjectService", permissions: ["serviceusage.services.get"], why: "preflight: whether each API the stack needs but does not enable is on", when: "preview" },
        { call: "gcp:cloudquota/getSQuotaInfo:getSQuotaInfo", permissions: ["cloudquotas.quotas.get"], why: "preflight: the regional CPU, SSD and in-use address quotas", when: "preview" },
        { call: "gcp:compute/getZones:getZones", permissions: ["compute.zones.list"], why: "preflight: a zone of the region to look the machine type up in", when: "preview", onlyWhen: "Standard (managed) node pools" },
        { call: "gcp:compute/getMachineTypes:getMachineTypes", permissions: ["compute.machineTypes.list"], why: "preflight: vCPUs of `platform:nodeSize`", when: "preview", onlyWhen: "Standard (managed) node pools" },
        { call: "gcp:organizations/getClientConfig:getClientConfig", permissions: [], why: "the caller's access token, to push the app image to Artifact Registry", when: "deploy" },
    ],
    engineCalls: [
        {
            call: "kubeconfig exec plugin: gke-gcloud-auth-plugin",
            permissions: ["container.clusters.get"],
            why: "GKE admits a Google identity to the Kubernetes API only with it (`roles/container.clusterViewer`); what it may do there comes from RBAC",
            when: "preview",
        },
    ],
    kubernetes: {
        preview: PREVIEW_KUBERNETES_READS,
        deploy: [{ verbs: ["*"], resources: ["*"], why: "namespaces, CRDs, cluster roles, workloads and their Secrets: the cluster's creator is cluster admin" }],
    },
};

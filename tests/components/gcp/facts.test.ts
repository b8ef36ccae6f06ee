import * as assert from "node:assert/strict";
import {
    GCP_LOAD_BALANCER,
    gcpStorageFacts,
    gkeContextName,
    gkeImagePlatform,
    gkeKubeconfig,
    gkeNodeTaintConfig,
    registryHost,
    registryImageRepository,
    workloadPool,
} from "../../../components/gcp/facts";

describe("GCP facts", () => {
    it("ssd tier: zonal pd-ssd on the PD CSI driver, ext4", () => {
        const disk = {
            provisioner: "pd.csi.storage.gke.io",
            parameters: { type: "pd-ssd", "csi.storage.k8s.io/fstype": "ext4" },
            allowVolumeExpansion: true,
            volumeBindingMode: "WaitForFirstConsumer",
            accessModes: ["ReadWriteOnce", "ReadWriteOncePod"],
        };
        assert.deepEqual(gcpStorageFacts("ssd"), {
            classes: { general: { ...disk, reclaimPolicy: "Delete" }, retain: { ...disk, reclaimPolicy: "Retain" }, shared: undefined },
            builtInClasses: ["standard", "standard-rwo", "premium-rwo", "standard-rwx", "premium-rwx", "enterprise-rwx", "enterprise-multishare-rwx", "zonal-rwx", "regional-rwx"],
            builtInDefaultClass: "standard-rwo",
            makeDefault: true,
            snapshots: { driver: "pd.csi.storage.gke.io", parameters: {} },
        });
    });

    it("premium tier: regional (two-zone) pd-ssd", () => {
        assert.deepEqual(gcpStorageFacts("premium").classes.retain.parameters, {
            type: "pd-ssd",
            "replication-type": "regional-pd",
            "csi.storage.k8s.io/fstype": "ext4",
        });
    });

    it("hands out copies, so a caller cannot change the facts of the next stack", () => {
        (gcpStorageFacts("ssd").classes.general.parameters as Record<string, string>).type = "pd-standard";
        assert.equal(gcpStorageFacts("ssd").classes.general.parameters.type, "pd-ssd");
    });

    it("exposes ingress through a backend-service-based external passthrough NLB", () => {
        assert.deepEqual(GCP_LOAD_BALANCER, { serviceType: "LoadBalancer", annotations: { "cloud.google.com/l4-rbs": "enabled" } });
    });

    it("names the workload pool, context and registry like gcloud does", () => {
        assert.equal(workloadPool("acme-prod"), "acme-prod.svc.id.goog");
        assert.equal(gkeContextName("acme-prod", "europe-west1", "gke-1"), "gke_acme-prod_europe-west1_gke-1");
        assert.equal(registryHost("us-central1"), "us-central1-docker.pkg.dev");
        assert.equal(registryImageRepository("us-central1", "p", "r", "visit-counter"), "us-central1-docker.pkg.dev/p/r/visit-counter");
    });

    it("builds Arm images only for Arm machine types", () => {
        assert.equal(gkeImagePlatform("e2-standard-4"), "linux/amd64");
        assert.equal(gkeImagePlatform("n2d-standard-8"), "linux/amd64");
        assert.equal(gkeImagePlatform("t2a-standard-4"), "linux/arm64");
    });

    it("turns the arm64 taint off exactly on Arm machine types", () => {
        assert.deepEqual(gkeNodeTaintConfig("t2a-standard-4"), { architectureTaintBehavior: "NONE" });
        assert.equal(gkeNodeTaintConfig("e2-standard-4"), undefined);
        assert.equal(gkeNodeTaintConfig("t2d-standard-4"), undefined);
    });

    it("builds a kubeconfig with the exec plugin and no embedded credential", () => {
        const kc = JSON.parse(gkeKubeconfig({ contextName: "ctx", endpoint: "10.0.0.2", clusterCaCertificate: "Q0E=" })) as Record<string, unknown>;
        assert.equal(kc.apiVersion, "v1");
        assert.equal(kc.kind, "Config");
        assert.equal(kc["current-context"], "ctx");
        assert.deepEqual(kc.contexts, [{ name: "ctx", context: { cluster: "ctx", user: "ctx" } }]);
        assert.deepEqual(kc.clusters, [{ name: "ctx", cluster: { server: "https://10.0.0.2", "certificate-authority-data": "Q0E=" } }]);
        const [user] = kc.users as { name: string; user: Record<string, unknown> }[];
        assert.deepEqual(Object.keys(user.user), ["exec"]);
        const exec = user.user.exec as Record<string, unknown>;
        assert.equal(exec.command, "gke-gcloud-auth-plugin");
        assert.equal(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
        assert.equal(exec.provideClusterInfo, true);
        assert.deepEqual(exec.args, ["--use_application_default_credentials"]);
        assert.equal(typeof exec.installHint, "string");
    });
});

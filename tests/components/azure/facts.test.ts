import * as assert from "node:assert/strict";
import { checkKubernetesVersion } from "../../../facts/versions";
import {
    AKS_BUILT_IN_CLASSES,
    aksNodePlatform,
    azureDiskSku,
    azureFileSku,
    AZURE_HEALTH_PROBE_PATH_ANNOTATION,
    AZURE_LOAD_BALANCER,
    azureStorageFacts,
} from "../../../components/azure/facts";

const ZONED = { zones: ["1", "2", "3"], dataResourceGroup: "platform-data-rg" } as const;
const FLAT = { zones: [], dataResourceGroup: "platform-data-rg" } as const;

describe("azure facts", () => {
    describe("azureStorageFacts", () => {
        it("with zones the ssd tier is StandardSSD_ZRS through the Azure Disk CSI driver with read-only host caching; Retain disks in the data group", () => {
            const facts = azureStorageFacts("ssd", ZONED);
            for (const sc of [facts.classes.general, facts.classes.retain]) {
                assert.equal(sc.provisioner, "disk.csi.azure.com");
                assert.equal(sc.allowVolumeExpansion, true);
                assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
            }
            assert.deepEqual(facts.classes.general.parameters, { skuName: "StandardSSD_ZRS", cachingMode: "ReadOnly" });
            assert.deepEqual(facts.classes.retain.parameters, { skuName: "StandardSSD_ZRS", cachingMode: "ReadOnly", resourceGroup: "platform-data-rg" });
            assert.equal(facts.classes.general.reclaimPolicy, "Delete");
            assert.equal(facts.classes.retain.reclaimPolicy, "Retain");
        });

        it("disk SKUs: ZRS with zones, LRS without, per tier", () => {
            assert.equal(azureDiskSku("ssd", true), "StandardSSD_ZRS");
            assert.equal(azureDiskSku("premium", true), "Premium_ZRS");
            assert.equal(azureDiskSku("ssd", false), "StandardSSD_LRS");
            assert.equal(azureDiskSku("premium", false), "Premium_LRS");
            assert.equal(azureStorageFacts("premium", FLAT).classes.retain.parameters.skuName, "Premium_LRS");
        });

        it("offers a shared ReadWriteMany class on Azure Files, ZRS with zones, LRS without", () => {
            const shared = azureStorageFacts("ssd", ZONED).classes.shared;
            assert.ok(shared);
            assert.equal(shared.provisioner, "file.csi.azure.com");
            assert.deepEqual(shared.parameters, { skuName: "Standard_ZRS" });
            assert.ok(shared.accessModes.includes("ReadWriteMany"));
            assert.equal(shared.reclaimPolicy, "Delete");
            assert.equal(shared.allowVolumeExpansion, true);
            assert.equal(shared.volumeBindingMode, "Immediate");
            assert.equal(azureStorageFacts("premium", FLAT).classes.shared?.parameters.skuName, "Premium_LRS");
            assert.equal(azureFileSku("premium", true), "Premium_ZRS");
            assert.equal(azureFileSku("ssd", false), "Standard_LRS");
        });

        it("snapshots the disks incrementally into the data group", () => {
            assert.deepEqual(azureStorageFacts("ssd", ZONED).snapshots, {
                driver: "disk.csi.azure.com",
                parameters: { incremental: "true", resourceGroup: "platform-data-rg" },
            });
        });

        it("un-defaults AKS's `default` class and makes the platform's class the default", () => {
            const facts = azureStorageFacts("ssd", ZONED);
            assert.equal(facts.builtInDefaultClass, "default");
            assert.equal(facts.makeDefault, true);
        });

        it("lists every class AKS ships, so the platform never names a class that collides", () => {
            assert.deepEqual(
                [...azureStorageFacts("premium", ZONED).builtInClasses].sort(),
                [
                    "azureblob-fuse-premium",
                    "azureblob-nfs-premium",
                    "azurefile",
                    "azurefile-csi",
                    "azurefile-csi-premium",
                    "azurefile-premium",
                    "default",
                    "managed",
                    "managed-csi",
                    "managed-csi-premium",
                    "managed-premium",
                ],
            );
            assert.equal(azureStorageFacts("ssd", ZONED).builtInClasses, AKS_BUILT_IN_CLASSES);
        });

        it("returns a fresh parameters object, so a caller cannot change the shared tier table", () => {
            (azureStorageFacts("ssd", ZONED).classes.general.parameters as Record<string, string>).skuName = "Standard_LRS";
            assert.equal(azureStorageFacts("ssd", ZONED).classes.general.parameters.skuName, "StandardSSD_ZRS");
        });
    });

    describe("AZURE_LOAD_BALANCER", () => {
        it("is a LoadBalancer Service whose Azure health probe asks /healthz, not / (which nginx answers 404)", () => {
            assert.equal(AZURE_LOAD_BALANCER.serviceType, "LoadBalancer");
            assert.equal(AZURE_HEALTH_PROBE_PATH_ANNOTATION, "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path");
            assert.deepEqual(AZURE_LOAD_BALANCER.annotations, {
                "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz",
            });
        });
    });

    describe("aksNodePlatform", () => {
        it("builds for linux/arm64 on Arm sizes (the `p` feature letter), linux/amd64 otherwise", () => {
            for (const arm of ["Standard_D4ps_v5", "Standard_D4pds_v5", "Standard_D8ps_v6", "Standard_E4ps_v5", "Standard_B2pls_v2", "Standard_D2plds_v6"]) {
                assert.equal(aksNodePlatform(arm), "linux/arm64", arm);
            }
            for (const x86 of ["Standard_D4s_v5", "Standard_D4ads_v5", "Standard_E8s_v5", "Standard_B2ms", "Standard_F4s_v2", "Standard_NC24ads_A100_v4"]) {
                assert.equal(aksNodePlatform(x86), "linux/amd64", x86);
            }
            assert.throws(() => aksNodePlatform("m6i.large"), /not an Azure VM size/);
        });
    });
});

describe("AKS support calendar wording", () => {
    const today = new Date("2026-12-07T00:00:00Z");
    const refusal = (version: string): string =>
        checkKubernetesVersion({ cloud: "azure", version, controller: "gateway", controllerExplicit: true, extendedSupport: false, today }).error ?? "";

    it("tells the owner of a running cluster past standard support that AKS has not moved it, and how to upgrade", () => {
        // 1.34 left standard support on 2026-11-30 (long-term support only); 1.31 is gone.
        for (const version of ["1.34", "1.31"]) {
            const error = refusal(version);
            assert.match(error, /If the cluster already exists, it still runs this minor, unsupported: AKS upgrades it by itself only once the minor leaves platform support/);
            assert.match(error, /set platform:kubernetesVersion to the oldest minor allowed above/);
            assert.doesNotMatch(error, /has moved it/);
        }
    });
});

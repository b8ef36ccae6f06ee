import * as assert from "node:assert/strict";
import {
    AKS_BUILT_IN_CLASSES,
    AZURE_HEALTH_PROBE_PATH_ANNOTATION,
    AZURE_LOAD_BALANCER,
    azureStorageFacts,
} from "../../../components/azure/facts";

describe("azure facts", () => {
    describe("azureStorageFacts", () => {
        it("ssd tier provisions StandardSSD_LRS disks through the Azure Disk CSI driver with read-only host caching", () => {
            const facts = azureStorageFacts("ssd");
            for (const sc of [facts.classes.general, facts.classes.retain]) {
                assert.equal(sc.provisioner, "disk.csi.azure.com");
                assert.deepEqual(sc.parameters, { skuName: "StandardSSD_LRS", cachingMode: "ReadOnly" });
                assert.equal(sc.allowVolumeExpansion, true);
            }
            assert.equal(facts.classes.general.reclaimPolicy, "Delete");
            assert.equal(facts.classes.retain.reclaimPolicy, "Retain");
            assert.equal(facts.classes.shared, undefined);
        });

        it("premium tier provisions zone-redundant Premium_ZRS disks", () => {
            const facts = azureStorageFacts("premium");
            assert.equal(facts.classes.retain.provisioner, "disk.csi.azure.com");
            assert.deepEqual(facts.classes.retain.parameters, { skuName: "Premium_ZRS", cachingMode: "ReadOnly" });
        });

        it("un-defaults AKS's `default` class and makes the platform's class the default", () => {
            const facts = azureStorageFacts("ssd");
            assert.equal(facts.builtInDefaultClass, "default");
            assert.equal(facts.makeDefault, true);
        });

        it("lists every class AKS ships, so the platform never names a class that collides", () => {
            assert.deepEqual(
                [...azureStorageFacts("premium").builtInClasses].sort(),
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
            assert.equal(azureStorageFacts("ssd").builtInClasses, AKS_BUILT_IN_CLASSES);
        });

        it("returns a fresh parameters object, so a caller cannot change the shared tier table", () => {
            (azureStorageFacts("ssd").classes.general.parameters as Record<string, string>).skuName = "Standard_LRS";
            assert.equal(azureStorageFacts("ssd").classes.general.parameters.skuName, "StandardSSD_LRS");
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
});

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
            assert.equal(facts.provisioner, "disk.csi.azure.com");
            assert.deepEqual(facts.parameters, { skuName: "StandardSSD_LRS", cachingMode: "ReadOnly" });
        });

        it("premium tier provisions zone-redundant Premium_ZRS disks", () => {
            const facts = azureStorageFacts("premium");
            assert.equal(facts.provisioner, "disk.csi.azure.com");
            assert.deepEqual(facts.parameters, { skuName: "Premium_ZRS", cachingMode: "ReadOnly" });
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
            azureStorageFacts("ssd").parameters.skuName = "Standard_LRS";
            assert.equal(azureStorageFacts("ssd").parameters.skuName, "StandardSSD_LRS");
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

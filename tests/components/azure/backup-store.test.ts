import * as assert from "node:assert/strict";
import { backupAccountName, backupAccountSku } from "../../../components/azure/backup-store";
import { STORAGE_BLOB_DATA_CONTRIBUTOR } from "../../../components/azure/facts";
import { MOCK_SUBSCRIPTION } from "../../harness/cloud-mocks";
import type { ResourceSet } from "../../harness/mocks";
import { backupEgress, backupPod, backupPodLabels, backupServiceAccount, stackWith, uploadEnv } from "../cluster/backup-store-helpers";

const ACCOUNT = "pgbackupsk3x9q2m7";

describe("the backup store on Azure", () => {
    let resources: ResourceSet;
    let backupStore: string;
    before(async () => ({ resources, backupStore } = await stackWith("azure")));

    it("is a StorageV2 account in the data group: HTTPS and TLS 1.2 only, no anonymous or shared-key access, kept like the retained disks", () => {
        const account = resources.one("azure-native:storage:StorageAccount");
        assert.deepEqual([account.protect, account.retainOnDelete], [true, true]);
        const i = account.inputs;
        assert.deepEqual([i.kind, i.enableHttpsTrafficOnly, i.minimumTlsVersion, i.allowBlobPublicAccess, i.allowSharedKeyAccess], ["StorageV2", true, "TLS1_2", false, false]);
        assert.equal(i.resourceGroupName, "platform-data-rg-1a2b3c4d", "beside the retained disks");
        assert.deepEqual(i.sku, { name: "Standard_ZRS" }, "the example stack's region has zones");
        const container = resources.one("azure-native:storage:BlobContainer");
        assert.deepEqual([container.protect, container.retainOnDelete, container.inputs.publicAccess], [true, true, "None"]);
        assert.equal(backupStore, `https://${ACCOUNT}.blob.core.windows.net/postgres-backups/postgres`);
    });

    it("keeps versions and soft-deletes blobs and containers, and deletes sets and versions after the retention days", () => {
        const service = resources.one("azure-native:storage:BlobServiceProperties").inputs;
        assert.equal(service.isVersioningEnabled, true);
        assert.deepEqual(service.deleteRetentionPolicy, { enabled: true, days: 7 });
        assert.deepEqual(service.containerDeleteRetentionPolicy, { enabled: true, days: 7 });
        const policy = resources.one("azure-native:storage:ManagementPolicy").inputs.policy as { rules: { definition: { filters: unknown; actions: unknown } }[] };
        assert.deepEqual(policy.rules[0].definition.filters, { blobTypes: ["blockBlob"], prefixMatch: ["postgres-backups/postgres/"] });
        assert.deepEqual(policy.rules[0].definition.actions, {
            baseBlob: { delete: { daysAfterCreationGreaterThan: 30 } },
            version: { delete: { daysAfterCreationGreaterThan: 30 } },
        });
        assert.deepEqual(resources.ofType("azure-native:storage:BlobContainerImmutabilityPolicy"), []);
        for (const type of ["azure-native:storage:BlobServiceProperties", "azure-native:storage:ManagementPolicy"]) {
            assert.equal(resources.one(type).retainOnDelete, true, `${type} stays with the kept account on destroy`);
        }
    });

    it("federates one identity with the backup ServiceAccount only, from the cluster's issuer", () => {
        const federation = resources.one("azure-native:managedidentity:FederatedIdentityCredential").inputs;
        assert.equal(federation.subject, "system:serviceaccount:apps:postgres-backup");
        assert.equal(federation.issuer, "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/");
        assert.deepEqual(federation.audiences, ["api://AzureADTokenExchange"]);
        assert.equal(federation.resourceName, "platform-backups-identity-3c4d5e6f");
    });

    it("gives that identity a data role on the backups container alone, as a service principal", () => {
        const grants = resources.ofType("azure-native:authorization:RoleAssignment").filter((r) => r.inputs.principalId === "backup-principal-id");
        assert.equal(grants.length, 1);
        const g = grants[0].inputs;
        // The container's own id (the mocks name a resource's id `<name>-id`), not the account's.
        assert.equal(g.scope, `${resources.one("azure-native:storage:BlobContainer").name}-id`);
        assert.equal(g.roleDefinitionId, `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_BLOB_DATA_CONTRIBUTOR}`);
        assert.equal(g.principalType, "ServicePrincipal");
        const onStorage = resources.ofType("azure-native:authorization:RoleAssignment").filter((r) => /backups-(account|container)/.test(String(r.inputs.scope)));
        assert.deepEqual(onStorage, grants, "no other identity gets a role on the account");
    });

    it("labels the pods and annotates the ServiceAccount for the workload identity webhook; rclone's azureblob remote from env", () => {
        assert.deepEqual(backupServiceAccount(resources).metadata.annotations, { "azure.workload.identity/client-id": "backup-client-id" });
        assert.equal(backupPodLabels(resources)["azure.workload.identity/use"], "true");
        assert.deepEqual(backupPod(resources).containers.map((c) => c.name), ["upload"]);
        const env = uploadEnv(resources);
        assert.deepEqual(
            [env.RCLONE_CONFIG_STORE_TYPE, env.RCLONE_CONFIG_STORE_ENV_AUTH, env.RCLONE_CONFIG_STORE_ACCOUNT, env.BACKUP_STORE_PATH],
            ["azureblob", "true", ACCOUNT, "postgres-backups/postgres"],
        );
        assert.deepEqual(backupEgress(resources)[2].ports, [{ protocol: "TCP", port: 443 }]);
    });

    it("object lock adds an unlocked time-based immutability policy to the same container, kept when the key is turned off", async () => {
        const locked = await stackWith("azure", { "platform:postgresBackupObjectLock": "true", "platform:postgresBackupRetentionDays": "60" });
        const immutability = locked.resources.one("azure-native:storage:BlobContainerImmutabilityPolicy");
        const policy = immutability.inputs;
        assert.deepEqual([policy.containerName, policy.immutabilityPeriodSinceCreationInDays, policy.allowProtectedAppendWrites], ["postgres-backups", 60, false]);
        // The provider's delete of the policy sends no ETag and fails: turning the key off or a
        // destroy must leave it to a person instead of failing the update.
        assert.equal(immutability.retainOnDelete, true);
        for (const type of ["azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer"]) {
            const [before, after] = [resources.one(type), locked.resources.one(type)];
            assert.deepEqual([after.urn, after.inputs], [before.urn, before.inputs], `${type} untouched`);
        }
    });

    it("names accounts within Azure's rules and picks LRS where the region has no zones", () => {
        assert.match(backupAccountName("AB-12cd34"), /^[a-z0-9]{3,24}$/);
        assert.equal(backupAccountSku([]), "Standard_LRS");
        assert.equal(backupAccountSku(["1", "2", "3"]), "Standard_ZRS");
    });
});

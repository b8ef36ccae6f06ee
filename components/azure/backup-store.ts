/**
 * The object store of the Postgres backups on Azure: a StorageV2 account in the data resource group
 * (kept, like the retained disks), a private container, and a user-assigned managed identity that
 * only the backup job's ServiceAccount can sign in as (a federated identity credential trusting the
 * AKS OIDC issuer for `system:serviceaccount:<namespace>:<name>`; the cluster has the OIDC issuer
 * and workload identity on from creation, components/azure/cluster.ts).
 *
 * The identity gets the built-in Storage Blob Data Contributor on the container only. Azure has no
 * built-in write-only data role; a custom one needs `Microsoft.Authorization/roleDefinitions/
 * write`, which the documented deployer grant (Contributor and Role Based Access Control
 * Administrator) does not include; and rclone's azureblob backend reads a blob's properties back
 * after writing it (its `Update`), so the upload needs blob read there anyway. What the identity could do beyond writing is bounded: it is
 * this one container, versioning keeps a replaced or deleted set as a version, and blob and
 * container soft delete keep what is deleted for 7 days.
 *
 * Who else can read the sets: nobody in the cluster. Shared-key access is off (only Entra tokens
 * authorize data requests: no account key can be listed and used), anonymous access is off, and no
 * other identity the stack creates (the cluster's, the kubelet's) has a data role on the account.
 * People with a data role on the account or above restore with their own sign-in (docs/azure.md).
 *
 * Sources, checked 2026-12-07: rclone backend/azureblob/auth/auth.go (`env_auth` builds
 * azidentity's DefaultAzureCredential, whose chain includes WorkloadIdentityCredential from
 * AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which the workload identity
 * webhook injects; a token credential needs no shared key); Azure Storage "Container-level WORM
 * policies" (available on new and existing containers) and the Blob Containers "Object Level Worm"
 * REST call (a container-level policy with account versioning enabled is a valid state).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { BACKUP_STORE_PREFIX, type BackupStoreFacts, type BackupStoreRequest, PUBLIC_HTTPS_EGRESS } from "../cluster/contract";
import { STORAGE_BLOB_DATA_CONTRIBUTOR } from "./facts";
import { roleDefinitionId } from "./registry";

export const BACKUP_CONTAINER = "postgres-backups";
/** Days a deleted blob or container can be restored (soft delete); Cloud Storage's default too. */
export const SOFT_DELETE_DAYS = 7;
/** The audience Entra expects in a federated token (Azure workload identity docs, checked 2026-12-07). */
export const AZURE_TOKEN_AUDIENCE = "api://AzureADTokenExchange";
export const AZURE_WORKLOAD_IDENTITY_CLIENT_ID = "azure.workload.identity/client-id";
export const AZURE_WORKLOAD_IDENTITY_USE = "azure.workload.identity/use";

/** A storage account name: 3-24 lower-case letters and digits, global (`<name>.blob.core.windows.net`). */
export function backupAccountName(suffix: string): string {
    return `pgbackups${suffix}`.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
}

/** Zone-redundant where the region has zones, so a lost zone does not take the backups with it. */
export function backupAccountSku(zones: readonly string[]): "Standard_ZRS" | "Standard_LRS" {
    return zones.length > 0 ? "Standard_ZRS" : "Standard_LRS";
}

/** The lifecycle: sets and their previous versions deleted `retentionDays` after they were made. */
export function blobLifecycle(retentionDays: number): storage.ManagementPolicyArgs["policy"] {
    return {
        rules: [
            {
                name: "expire-backup-sets",
                enabled: true,
                type: "Lifecycle",
                definition: {
                    filters: { blobTypes: ["blockBlob"], prefixMatch: [`${BACKUP_CONTAINER}/${BACKUP_STORE_PREFIX}/`] },
                    actions: {
                        baseBlob: { delete: { daysAfterCreationGreaterThan: retentionDays } },
                        version: { delete: { daysAfterCreationGreaterThan: retentionDays } },
                    },
                },
            },
        ],
    };
}

/** rclone's `azureblob` remote: the workload identity from the environment and the account (upload.sh turns off the container check). */
export function azureRcloneEnv(account: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
    return {
        RCLONE_CONFIG_STORE_TYPE: "azureblob",
        RCLONE_CONFIG_STORE_ENV_AUTH: "true",
        RCLONE_CONFIG_STORE_ACCOUNT: account,
    };
}

export interface BlobBackupStoreArgs {
    request: BackupStoreRequest;
    /** The data resource group (kept on destroy): the account lives beside the retained disks. */
    dataResourceGroupName: pulumi.Input<string>;
    dataLocation: pulumi.Input<string>;
    /** The cluster's resource group, for the identity (it goes with the cluster). */
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    zones: readonly string[];
    /** The AKS OIDC issuer URL the federated credential trusts. */
    oidcIssuerUrl: pulumi.Input<string | undefined>;
}

export class BlobBackupStore extends pulumi.ComponentResource {
    readonly account: storage.StorageAccount;
    readonly container: storage.BlobContainer;
    readonly identity: managedidentity.UserAssignedIdentity;
    readonly facts: BackupStoreFacts;

    constructor(name: string, args: BlobBackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:BlobBackupStore", name, {}, opts);
        const { request } = args;
        const kept = { parent: this, protect: request.protectData, retainOnDelete: true };
        const suffix = new random.RandomString(`${name}-name-suffix`, { length: 8, special: false, upper: false }, { parent: this });
        this.account = new storage.StorageAccount(
            `${name}-account`,
            {
                resourceGroupName: args.dataResourceGroupName,
                location: args.dataLocation,
                accountName: suffix.result.apply(backupAccountName),
                kind: "StorageV2",
                sku: { name: backupAccountSku(args.zones) },
                accessTier: "Hot",
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: "TLS1_2",
                allowBlobPublicAccess: false,
                allowSharedKeyAccess: false,
                defaultToOAuthAuthentication: true,
                allowCrossTenantReplication: false,
            },
            kept,
        );
        const settings = this.accountSettings(name, args);
        this.container = new storage.BlobContainer(
            `${name}-container`,
            { resourceGroupName: args.dataResourceGroupName, accountName: this.account.name, containerName: BACKUP_CONTAINER, publicAccess: "None" },
            { ...kept, dependsOn: settings },
        );
        const lock = request.objectLock ? [this.immutability(name, args)] : [];
        this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, { resourceGroupName: args.resourceGroupName, location: args.location }, { parent: this });
        const trust = this.federation(name, args);
        const grant = new authorization.RoleAssignment(
            `${name}-upload`,
            {
                scope: this.container.id,
                roleDefinitionId: authorization.getClientConfigOutput({ parent: this }).subscriptionId.apply((sub) => roleDefinitionId(sub, STORAGE_BLOB_DATA_CONTRIBUTOR)),
                principalId: this.identity.principalId,
                principalType: "ServicePrincipal",
            },
            { parent: this },
        );
        this.facts = {
            rcloneEnv: azureRcloneEnv(this.account.name),
            path: `${BACKUP_CONTAINER}/${BACKUP_STORE_PREFIX}`,
            location: pulumi.interpolate`https://${this.account.name}.blob.core.windows.net/${BACKUP_CONTAINER}/${BACKUP_STORE_PREFIX}`,
            serviceAccountAnnotations: { [AZURE_WORKLOAD_IDENTITY_CLIENT_ID]: this.identity.clientId },
            // The webhook injects the token volume and AZURE_* variables only into pods labelled so.
            podLabels: { [AZURE_WORKLOAD_IDENTITY_USE]: "true" },
            // The blob endpoint and Entra's token endpoint answer on public addresses, on 443.
            egress: [PUBLIC_HTTPS_EGRESS],
            dependsOn: [grant, trust, ...lock],
        };
        this.registerOutputs({ account: this.account.name, container: this.container.name, clientId: this.identity.clientId });
    }

    /**
     * Versioning, blob and container soft delete, and the lifecycle of the sets. Kept on destroy with
     * the account (`retainOnDelete`), as the S3 bucket's settings are: the management policy's delete
     * would remove the lifecycle from the kept account. They only ever change in place.
     */
    private accountSettings(name: string, args: BlobBackupStoreArgs): pulumi.Resource[] {
        const base = { resourceGroupName: args.dataResourceGroupName, accountName: this.account.name };
        const blobService = new storage.BlobServiceProperties(
            `${name}-blob-service`,
            {
                ...base,
                blobServicesName: "default",
                isVersioningEnabled: true,
                deleteRetentionPolicy: { enabled: true, days: SOFT_DELETE_DAYS },
                containerDeleteRetentionPolicy: { enabled: true, days: SOFT_DELETE_DAYS },
            },
            { parent: this, retainOnDelete: true },
        );
        const lifecycle = new storage.ManagementPolicy(
            `${name}-lifecycle`,
            { ...base, managementPolicyName: "default", policy: blobLifecycle(args.request.retentionDays) },
            { parent: this, dependsOn: [blobService], retainOnDelete: true },
        );
        return [blobService, lifecycle];
    }

    /**
     * A container-level time-based retention policy, unlocked: no blob can be overwritten or deleted
     * before `retentionDays` after it was written, by anyone, until someone with the right to delete
     * the policy removes it. Added to the existing container in place (the create or update call takes
     * no ETag). Kept when the key is turned off or the stack destroyed (`retainOnDelete`): the
     * provider's delete sends no `If-Match` ETag, which Azure requires to delete the policy, so it
     * would fail with 412 "incorrect etag" (pulumi/pulumi-azure-native#2156, open; Storage REST
     * "Blob Containers - Delete Immutability Policy": If-Match required; checked 2026-12-07). A person
     * removes it (docs/azure.md). Locking it is irreversible (the account then cannot be deleted until
     * every blob is past it), a step also left to a person.
     */
    private immutability(name: string, args: BlobBackupStoreArgs): storage.BlobContainerImmutabilityPolicy {
        return new storage.BlobContainerImmutabilityPolicy(
            `${name}-immutability`,
            {
                resourceGroupName: args.dataResourceGroupName,
                accountName: this.account.name,
                containerName: this.container.name,
                immutabilityPolicyName: "default",
                immutabilityPeriodSinceCreationInDays: args.request.retentionDays,
                allowProtectedAppendWrites: false,
            },
            { parent: this, retainOnDelete: true },
        );
    }

    /** Only the backup ServiceAccount's tokens, from this cluster's issuer, sign in as the identity. */
    private federation(name: string, args: BlobBackupStoreArgs): managedidentity.FederatedIdentityCredential {
        const { namespace, serviceAccount } = args.request;
        return new managedidentity.FederatedIdentityCredential(
            `${name}-federation`,
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: this.identity.name,
                issuer: pulumi.output(args.oidcIssuerUrl).apply((url) => {
                    if (url === undefined || url === "") throw new Error("the AKS cluster reports no OIDC issuer URL; the backup identity's federated credential needs it (oidcIssuerProfile.enabled)");
                    return url;
                }),
                subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
                audiences: [AZURE_TOKEN_AUDIENCE],
            },
            { parent: this },
        );
    }
}

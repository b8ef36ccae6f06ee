/**
 * Keys for how the cloud runs the cluster over time: the weekly maintenance window (GKE and AKS
 * schedule their own upgrades) and the customer-managed key for Secrets encryption.
 */
import * as assert from "node:assert/strict";
import { parseMaintenanceWindow } from "../../config/maintenance";
import { AWS, AZURE, GCP, LOCAL, problems, read } from "./fixtures";

describe("config: cluster operations", () => {
    describe("platform:maintenanceWindow", () => {
        it("parses days, start and length, days in week order", () => {
            assert.deepEqual(parseMaintenanceWindow("SU,SA 01:30 6h"), { days: ["SA", "SU"], start: "01:30", hours: 6 });
        });

        it("defaults to weekend nights a scheduler accepts: two 6h windows on GKE, one 8h window on AKS", () => {
            assert.deepEqual(read(GCP).cluster.maintenanceWindow, { days: ["SA", "SU"], start: "01:00", hours: 6 });
            assert.deepEqual(read(AZURE).cluster.maintenanceWindow, { days: ["SU"], start: "01:00", hours: 8 });
        });

        it("refuses shapes that are not a window, naming the key and the expected form", () => {
            for (const bad of ["sunday 01:00 4h", "SU 1:00 4h", "SU 24:00 4h", "XX 01:00 4h", "SU,SU 01:00 6h", "SU 01:00"]) {
                const found = problems({ ...AZURE, "platform:maintenanceWindow": bad });
                assert.equal(found.length, 1, bad);
                assert.match(found[0], /^platform:maintenanceWindow: /, bad);
            }
        });

        it("holds GKE to 48 hours in 32 days and AKS to one day of at least 4 hours", () => {
            assert.match(problems({ ...GCP, "platform:maintenanceWindow": "SU 01:00 8h" })[0], /48 hours/);
            assert.equal(read({ ...GCP, "platform:maintenanceWindow": "SU 00:00 12h" }).cluster.maintenanceWindow?.hours, 12);
            assert.match(problems({ ...AZURE, "platform:maintenanceWindow": "SA,SU 01:00 6h" })[0], /one day/);
            assert.match(problems({ ...AZURE, "platform:maintenanceWindow": "SU 01:00 3h" })[0], /4 to 24 hours/);
        });

        it("is a gcp and azure key: set on aws or local it is an error naming the clouds", () => {
            for (const stack of [AWS, LOCAL]) {
                const found = problems({ ...stack, "platform:maintenanceWindow": "SU 01:00 8h" });
                assert.ok(found.some((p) => p.startsWith("platform:maintenanceWindow") && /gcp or azure/.test(p)), found.join("\n"));
            }
        });
    });

    describe("platform:secretsKmsKey", () => {
        const keys = {
            aws: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            gcp: "projects/my-project/locations/europe-west1/keyRings/platform/cryptoKeys/secrets",
        };
        const stacks = { aws: AWS, gcp: GCP };

        it("takes each cloud's own key id; unset leaves encryption to the cloud's keys", () => {
            for (const cloud of ["aws", "gcp"] as const) {
                assert.equal(read({ ...stacks[cloud], "platform:secretsKmsKey": keys[cloud] }).cluster.secretsKmsKey, keys[cloud]);
                assert.equal(read(stacks[cloud]).cluster.secretsKmsKey, undefined);
            }
        });

        it("refuses another cloud's key id, naming the key and what this cloud expects", () => {
            assert.match(problems({ ...AWS, "platform:secretsKmsKey": keys.gcp })[0], /^platform:secretsKmsKey: .*KMS key ARN/);
            assert.match(problems({ ...GCP, "platform:secretsKmsKey": keys.aws })[0], /^platform:secretsKmsKey: .*Cloud KMS key/);
        });

        it("is refused on azure, where Key Vault KMS is not built yet, rather than accepted and ignored", () => {
            const key = "https://my-vault.vault.azure.net/keys/secrets/0123456789abcdef0123456789abcdef";
            assert.match(problems({ ...AZURE, "platform:secretsKmsKey": key })[0], /^platform:secretsKmsKey: applies only when platform:cloud is aws or gcp/);
        });
    });
});

import * as assert from "node:assert/strict";
import { UnreadableError, collectFindings } from "../../../components/cluster/preflight";
import {
    ADDRESS_QUOTA,
    ALL_REGIONS_CPU_QUOTA,
    SSD_QUOTA,
    apiFindings,
    cpuQuotaId,
    gcpInvokeReads,
    gcpNeeds,
    gcpPreflight,
    gibOf,
    quotaFinding,
    type QuotaInfo,
    quotaReadError,
    quotaValue,
    requiredApis,
    serviceUsageOff,
} from "../../../components/gcp/preflight";
import type { GcpConfig } from "../../../config";
import { GCP, read } from "../../config/fixtures";
import { installCloudMocks } from "../../harness/cloud-mocks";
import { mockCall, runProgram } from "../../harness/mocks";

function gcpConfig(values: Record<string, string> = {}): GcpConfig {
    const c = read({ ...GCP, ...values });
    if (c.cloud !== "gcp") throw new Error("expected a gcp config");
    return c;
}

describe("GCP preflight", () => {
    describe("APIs", () => {
        it("requires the APIs the stack uses but does not enable itself; logging and monitoring only with native observability", () => {
            const services = (c: GcpConfig) => requiredApis(c).map((a) => a.service);
            assert.deepEqual(services(gcpConfig()), ["serviceusage.googleapis.com", "artifactregistry.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com"]);
            assert.deepEqual(services(gcpConfig({ "platform:observability": "none" })), ["serviceusage.googleapis.com", "artifactregistry.googleapis.com"]);
        });

        it("names every API that is off with the command that enables it, and nothing when all are on", () => {
            const apis = requiredApis(gcpConfig());
            const off = new Map(apis.map((a) => [a.service, !["artifactregistry.googleapis.com", "monitoring.googleapis.com"].includes(a.service)]));
            const findings = apiFindings(off, apis, "p-123");
            assert.deepEqual(
                findings.map((f) => f.fix.split(" (")[0]),
                ["gcloud services enable artifactregistry.googleapis.com --project p-123", "gcloud services enable monitoring.googleapis.com --project p-123"],
            );
            assert.match(findings[0].why, /Artifact Registry repository/);
            assert.deepEqual(apiFindings(new Map(apis.map((a) => [a.service, true])), apis, "p-123"), []);
        });

        it("names the API to enable when a quota read fails because the Cloud Quotas API is off, and only then", () => {
            const off = quotaReadError(new Error("googleapi: Error 403: Cloud Quotas API has not been used in project 321 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/cloudquotas.googleapis.com/overview"), "p-123");
            assert.ok(off instanceof UnreadableError);
            assert.equal(off.fix, "gcloud services enable cloudquotas.googleapis.com --project p-123 (the preflight reads quotas through it)");
            const denied = new Error("googleapi: Error 403: Permission 'cloudquotas.quotas.get' denied on resource (cloudquotas.googleapis.com)");
            assert.equal(quotaReadError(denied, "p-123"), denied);
        });

        it("recognises the Service Usage API being off in a Google API error", () => {
            assert.ok(serviceUsageOff("googleapi: Error 403: Service Usage API has not been used in project 321 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/serviceusage.googleapis.com/overview"));
            assert.ok(!serviceUsageOff("googleapi: Error 403: Permission 'serviceusage.services.get' denied"));
        });
    });

    describe("quotas", () => {
        it("maps a machine type to its family's regional CPU quota, E2 and N1 sharing CPUS", () => {
            assert.equal(cpuQuotaId("e2-standard-4"), "CPUS-per-project-region");
            assert.equal(cpuQuotaId("n1-standard-2"), "CPUS-per-project-region");
            assert.equal(cpuQuotaId("n2-highmem-8"), "N2-CPUS-per-project-region");
            assert.equal(cpuQuotaId("n2d-standard-4"), "N2D-CPUS-per-project-region");
            assert.equal(cpuQuotaId("c3-standard-4"), undefined);
        });

        it("adds maxNodes' CPUs and boot disks to the data volumes on Standard, only the volumes on Autopilot", () => {
            assert.deepEqual(gcpNeeds(gcpConfig({ "platform:maxNodes": "6" }), 4), { cpus: 24, ssdGb: 600 + 20 + 5 + 20, addresses: 2 });
            assert.deepEqual(gcpNeeds(gcpConfig({ "platform:maxNodes": "6", "platform:postgresBackupSchedule": "none" }), 4).ssdGb, 600 + 20 + 5);
            const autopilot = gcpConfig({ "platform:nodeMode": "auto", "platform:nodeSize": "", "platform:minNodes": "", "platform:maxNodes": "" });
            assert.deepEqual(gcpNeeds(autopilot, 4), { cpus: 0, ssdGb: 45, addresses: 2 });
        });

        it("reads sizes in Mi, Gi and Ti as whole GiB", () => {
            assert.equal(gibOf("512Mi"), 1);
            assert.equal(gibOf("20Gi"), 20);
            assert.equal(gibOf("1Ti"), 1024);
        });

        it("refuses a quota below the need, naming it, the region and the number to ask for; passes one that fits", () => {
            const [f] = quotaFinding("CPUS-per-project-region", 12, 24, "europe-west1", "p-123", "maxNodes 6 × 4 vCPUs of e2-standard-4");
            assert.match(f.what, /CPUS-per-project-region quota of project p-123 in europe-west1 is 12; the stack needs 24 \(maxNodes 6/);
            assert.match(f.fix, /at least 24/);
            assert.deepEqual(quotaFinding("CPUS-per-project-region", 24, 24, "europe-west1", "p", ""), []);
            assert.deepEqual(quotaFinding("CPUS-per-project-region", -1, 1000, "europe-west1", "p", ""), []);
        });

        it("takes the region's own value over the default one of a Cloud Quotas info", () => {
            const info: QuotaInfo = {
                dimensionsInfos: [
                    { dimensions: { region: "us-central1" }, details: [{ value: "500" }] },
                    { dimensions: {}, details: [{ value: "24" }] },
                ],
            };
            assert.equal(quotaValue(info, "us-central1"), 500);
            assert.equal(quotaValue(info, "europe-west1"), 24);
            assert.equal(quotaValue({ dimensionsInfos: [] }, "europe-west1"), undefined);
        });
    });

    describe("through the Google provider's data sources, under the mocks", () => {
        beforeEach(() => installCloudMocks("gcp"));

        it("reads the APIs, the quotas by id and the machine type, and finds nothing in a roomy project", async () => {
            const config = gcpConfig({ "platform:nodeSize": "e2-standard-4", "platform:maxNodes": "6" });
            const { result, invokes } = await runProgram(() => collectFindings(gcpPreflight(config, gcpInvokeReads("p-123"))));
            assert.deepEqual(result, []);
            const quotas = invokes.filter((i) => i.token === "gcp:cloudquota/getSQuotaInfo:getSQuotaInfo");
            assert.deepEqual(quotas.map((i) => i.args.quotaId).sort(), [ALL_REGIONS_CPU_QUOTA, "CPUS-per-project-region", ADDRESS_QUOTA, SSD_QUOTA].sort());
            for (const q of quotas) assert.deepEqual([q.args.parent, q.args.service], ["projects/p-123", "compute.googleapis.com"]);
            const services = invokes.filter((i) => i.token === "gcp:projects/getProjectService:getProjectService").map((i) => i.args.service);
            assert.deepEqual(services.sort(), requiredApis(config).map((a) => a.service).sort());
            const types = invokes.filter((i) => i.token === "gcp:compute/getMachineTypes:getMachineTypes");
            assert.deepEqual(types.map((i) => [i.args.zone, i.args.filter]), [["europe-west1-b", 'name = "e2-standard-4"']]);
        });

        it("finds a disabled API and every short quota of a fresh project at once", async () => {
            mockCall("gcp:projects/getProjectService:getProjectService", (a) => (a.inputs.service === "artifactregistry.googleapis.com" ? { id: "" } : { id: `p/${String(a.inputs.service)}` }));
            mockCall("gcp:cloudquota/getSQuotaInfo:getSQuotaInfo", (a) => ({
                dimensionsInfos: [{ dimensions: {}, details: [{ value: a.inputs.quotaId === ADDRESS_QUOTA ? "8" : "12" }] }],
            }));
            const config = gcpConfig({ "platform:nodeSize": "e2-standard-4", "platform:maxNodes": "6" });
            const { result } = await runProgram(() => collectFindings(gcpPreflight(config, gcpInvokeReads("p-123"))));
            const whats = result.map((f) => `${f.check}: ${f.what}`);
            assert.equal(result.filter((f) => f.severity === "error").length, 4, whats.join("\n"));
            assert.ok(whats.some((w) => /gcp-apis: the artifactregistry.googleapis.com API is not enabled/.test(w)));
            for (const q of ["CPUS-per-project-region", ALL_REGIONS_CPU_QUOTA, SSD_QUOTA]) assert.ok(whats.some((w) => w.includes(`the ${q} quota`)), q);
        });

        it("says when the machine type is not offered, instead of judging its CPUs", async () => {
            const config = gcpConfig({ "platform:nodeSize": "e2-custom-odd", "platform:maxNodes": "6" });
            const { result } = await runProgram(() => collectFindings(gcpPreflight(config, gcpInvokeReads("p-123"))));
            assert.deepEqual(
                result.map((f) => [f.check, f.severity]),
                [["gcp-quotas", "warning"]],
            );
        });
    });
});

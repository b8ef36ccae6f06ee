/** Shared setup for the GKE tests: a validated gcp config and mocked GCP outputs. */
import { mapConfigSource, readConfig, type GcpConfig } from "../../../config";
import { mockCall, mockState } from "../../harness/mocks";

export const PROJECT_ID = "acme-prod";
export const REGION = "europe-west1";
export const ENDPOINT = "34.76.1.2";
export const CA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t";
export const ACCESS_TOKEN = "ya29.test-token";
export const INGRESS_IP = "34.140.7.8";
export const PROJECT_NUMBER = "123456789012";
/** The full version GKE reports the control plane runs. */
export const MASTER_VERSION = "1.35.1-gke.1396000";

/** A config read through the real reader, so defaults are the ones users get. */
export function gcpConfig(extra: Record<string, string> = {}): GcpConfig {
    const config = readConfig(
        mapConfigSource({ "platform:cloud": "gcp", "gcp:project": PROJECT_ID, "gcp:region": REGION, ...extra }),
    );
    if (config.cloud !== "gcp") throw new Error(`expected a gcp config, got ${config.cloud}`);
    return config;
}

/**
 * Mocked GCP outputs. The root hook forgets every mock before each test, so call this from the
 * suite's `beforeEach` (or from a `before` hook right before the program it runs there).
 */
export function mockGcp(): void {
    mockState("gcp:container/cluster:Cluster", (args) => ({
        name: `${args.name}-1a2b3c`,
        endpoint: ENDPOINT,
        masterVersion: MASTER_VERSION,
        masterAuth: { clusterCaCertificate: CA, clientCertificate: "", clientKey: "" },
    }));
    mockState("gcp:serviceaccount/account:Account", (args) => {
        const email = `${String(args.inputs.accountId)}@${PROJECT_ID}.iam.gserviceaccount.com`;
        return { email, member: `serviceAccount:${email}` };
    });
    mockState("gcp:container/nodePool:NodePool", (args) => ({ name: `${args.name}-9z8y` }));
    // Auto-named like the real VPC: `platform-shared`'s Filestore instances join it by this name.
    mockState("gcp:compute/network:Network", (args) => ({ name: `${args.name}-5e6f` }));
    mockState("gcp:compute/address:Address", () => ({ address: INGRESS_IP }));
    mockCall("gcp:organizations/getProject:getProject", () => ({ number: PROJECT_NUMBER, projectId: PROJECT_ID, id: `projects/${PROJECT_ID}` }));
    mockCall("gcp:organizations/getClientConfig:getClientConfig", () => ({
        accessToken: ACCESS_TOKEN,
        project: PROJECT_ID,
        region: REGION,
        id: "client-config",
    }));
}

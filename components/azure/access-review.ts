/**
 * The access review the program polls before using the Kubernetes provider on AKS (readiness.ts):
 * a SelfSubjectAccessReview over HTTPS, and the bounded poll. No cloud SDK here, so the test
 * harness can replace the review without loading one.
 */
import * as https from "node:https";

/** Where to ask and as whom: the API server, its CA (base64 PEM) and an Entra token for the AKS server app. */
export interface AccessReviewTarget {
    server: string;
    certificateAuthorityData: string;
    token: string;
}

/** True once the API server answers that the caller may create namespaces; false while not yet. */
export type AccessReview = (target: AccessReviewTarget) => Promise<boolean>;

/** The poll: every 10 s for up to 10 minutes, twice the documented propagation time. */
export const CLUSTER_ACCESS_POLL = { attempts: 60, intervalMs: 10_000 } as const;

/** The review the program posts: can I create namespaces, cluster-wide (what the platform does first). */
export const ACCESS_REVIEW_BODY = JSON.stringify({
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { verb: "create", resource: "namespaces" } },
});

/** Whether a SelfSubjectAccessReview response grants the access. */
export function reviewAllows(status: number, body: string): boolean {
    if (status < 200 || status >= 300) return false;
    try {
        const parsed = JSON.parse(body) as { status?: { allowed?: unknown } };
        return parsed.status?.allowed === true;
    } catch {
        return false;
    }
}

/** The review over HTTPS against the cluster's own CA; a network error counts as "not yet". */
export const selfSubjectAccessReview: AccessReview = (target) =>
    new Promise((resolve) => {
        const url = new URL("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", target.server);
        const request = https.request(
            url,
            {
                method: "POST",
                ca: Buffer.from(target.certificateAuthorityData, "base64").toString("utf8"),
                headers: { Authorization: `Bearer ${target.token}`, "Content-Type": "application/json" },
                timeout: 15_000,
            },
            (response) => {
                let body = "";
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => (body += chunk));
                response.on("end", () => resolve(reviewAllows(response.statusCode ?? 0, body)));
            },
        );
        request.on("timeout", () => request.destroy());
        request.on("error", () => resolve(false));
        request.end(ACCESS_REVIEW_BODY);
    });

export interface AccessWait {
    review: AccessReview;
    poll: { attempts: number; intervalMs: number };
}

/** How `clusterAccessReady` asks; the offline plan and tests replace it (there is no cluster). */
let activeWait: AccessWait = { review: selfSubjectAccessReview, poll: CLUSTER_ACCESS_POLL };
export function accessWait(): AccessWait {
    return activeWait;
}
export function setAccessWait(wait: AccessWait): AccessWait {
    const previous = activeWait;
    activeWait = wait;
    return previous;
}

/**
 * Polls `review` until it allows, at most `poll.attempts` times; fails with what to check after
 * that (the assignment exists but does not apply: a deny assignment, or the wrong principal).
 */
export async function pollAccess(
    review: () => Promise<boolean>,
    poll: { attempts: number; intervalMs: number } = CLUSTER_ACCESS_POLL,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<number> {
    for (let attempt = 1; attempt <= poll.attempts; attempt++) {
        if (await review()) return attempt;
        if (attempt < poll.attempts) await sleep(poll.intervalMs);
    }
    const minutes = Math.round((poll.attempts * poll.intervalMs) / 60_000);
    throw new Error(
        `the deploying identity still may not create namespaces on the AKS cluster after ${minutes} minutes, although its ` +
            "Azure Kubernetes Service RBAC Cluster Admin assignment exists: check `az role assignment list --scope <cluster id>` " +
            "and that platform:apiAllowedCidrs includes where Pulumi runs, then run `pulumi up` again",
    );
}

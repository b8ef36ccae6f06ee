import * as assert from "node:assert/strict";
import {
    CALENDARS,
    checkKubernetesVersion,
    CONTROLLER_SUPPORT,
    controllerSupports,
    defaultIngressController,
    defaultKubernetesVersion,
    type IngressController,
    type ManagedCloud,
    supportPhase,
    type VersionCheck,
} from "../../facts/versions";

const CLOUDS: ManagedCloud[] = ["aws", "gcp", "azure"];
/** The day the calendars were checked; the clock most cases pin. */
const CHECKED = new Date("2026-12-01T12:00:00Z");

function check(overrides: Partial<VersionCheck> & Pick<VersionCheck, "cloud" | "version">): ReturnType<typeof checkKubernetesVersion> {
    return checkKubernetesVersion({ controller: "nginx", controllerExplicit: false, extendedSupport: false, today: CHECKED, ...overrides });
}

describe("version calendars", () => {
    for (const cloud of CLOUDS) {
        const calendar = CALENDARS[cloud];
        it(`${cloud}: minors are distinct, oldest first, with ISO dates, standard before extended, sources and checkedOn recorded`, () => {
            assert.equal(calendar.service, { aws: "EKS", gcp: "GKE", azure: "AKS" }[cloud]);
            assert.equal(calendar.checkedOn, "2026-12-01");
            assert.ok(calendar.sources.length > 0);
            const minors = calendar.minors.map((e) => Number(e.minor.split(".")[1]));
            assert.deepEqual(
                minors,
                [...new Set(minors)].sort((x, y) => x - y),
            );
            for (const e of calendar.minors) {
                assert.match(e.minor, /^1\.\d+$/);
                assert.match(e.endOfStandard, /^\d{4}-\d{2}-\d{2}$/);
                assert.ok(!Number.isNaN(Date.parse(e.endOfStandard)), e.endOfStandard);
                if (e.endOfExtended !== undefined) {
                    assert.match(e.endOfExtended, /^\d{4}-\d{2}-\d{2}$/);
                    assert.ok(e.endOfExtended > e.endOfStandard, `${cloud} ${e.minor}`);
                }
            }
        });
    }

    // What each cloud accepts on 2026-12-01 (standard / extended-only), per the sources in the calendar.
    const TODAY: { cloud: ManagedCloud; standard: string[]; extended: string[] }[] = [
        { cloud: "aws", standard: ["1.34", "1.35", "1.36"], extended: ["1.32", "1.33"] },
        { cloud: "gcp", standard: ["1.35", "1.36"], extended: ["1.32", "1.33", "1.34"] },
        { cloud: "azure", standard: ["1.35", "1.36"], extended: ["1.32", "1.33", "1.34"] },
    ];
    for (const t of TODAY) {
        it(`${t.cloud}: on 2026-12-01 ${t.standard.join(", ")} are in standard support, ${t.extended.join(", ")} extended-only, 1.31 gone`, () => {
            const phase = (p: string) => CALENDARS[t.cloud].minors.filter((e) => supportPhase(e, CHECKED) === p).map((e) => e.minor);
            assert.deepEqual(phase("standard"), t.standard);
            assert.deepEqual(phase("extended"), t.extended);
            assert.deepEqual(phase("gone"), ["1.31"]);
        });
    }

    it("an end date is the last day of its phase (UTC), whatever the hour", () => {
        const eks134 = CALENDARS.aws.minors.find((e) => e.minor === "1.34");
        assert.ok(eks134);
        assert.equal(supportPhase(eks134, new Date("2026-12-02T23:59:00Z")), "standard");
        assert.equal(supportPhase(eks134, new Date("2026-12-03T00:00:00Z")), "extended");
        assert.equal(supportPhase(eks134, new Date("2027-12-02T10:00:00Z")), "extended");
        assert.equal(supportPhase(eks134, new Date("2027-12-03T00:00:00Z")), "gone");
    });
});

describe("defaultKubernetesVersion", () => {
    const cases: { cloud: ManagedCloud; controller: IngressController; expected: string }[] = [
        { cloud: "aws", controller: "nginx", expected: "1.35" },
        { cloud: "aws", controller: "gateway", expected: "1.36" },
        { cloud: "aws", controller: "both", expected: "1.35" },
        { cloud: "gcp", controller: "nginx", expected: "1.35" },
        { cloud: "gcp", controller: "gateway", expected: "1.36" },
        { cloud: "gcp", controller: "both", expected: "1.35" },
        { cloud: "azure", controller: "nginx", expected: "1.35" },
        { cloud: "azure", controller: "gateway", expected: "1.36" },
        { cloud: "azure", controller: "both", expected: "1.35" },
    ];
    for (const c of cases) {
        it(`${c.cloud} + ${c.controller} -> ${c.expected}`, () => {
            assert.equal(defaultKubernetesVersion(c.cloud, c.controller), c.expected);
        });
    }

    it("every default is accepted without warnings by its own check on checkedOn", () => {
        for (const cloud of CLOUDS) {
            for (const controller of ["nginx", "gateway", "both"] as const) {
                const version = defaultKubernetesVersion(cloud, controller);
                const verdict = check({ cloud, version, controller, controllerExplicit: true });
                assert.equal(verdict.error, undefined, `${cloud} ${controller}: ${verdict.error}`);
                assert.deepEqual(verdict.warnings, [], `${cloud} ${controller}`);
            }
        }
    });
});

describe("defaultIngressController", () => {
    const cases: [string | undefined, IngressController][] = [
        [undefined, "nginx"],
        ["1.33", "nginx"],
        ["1.35", "nginx"],
        ["1.36", "gateway"],
        ["1.37", "gateway"],
        ["1.x", "nginx"],
    ];
    for (const [version, expected] of cases) {
        it(`${version ?? "unset"} -> ${expected}`, () => assert.equal(defaultIngressController(version), expected));
    }
});

describe("controllerSupports", () => {
    it("nginx runs 1.31-1.35, both is the intersection with the gateway", () => {
        assert.ok(controllerSupports("nginx", 35));
        assert.ok(!controllerSupports("nginx", 36));
        assert.ok(controllerSupports("gateway", CONTROLLER_SUPPORT.gateway.max));
        assert.ok(!controllerSupports("both", 36));
        assert.ok(!controllerSupports("both", CONTROLLER_SUPPORT.gateway.min - 1));
        assert.ok(controllerSupports("both", 35));
    });
});

describe("checkKubernetesVersion: refusals", () => {
    const cases: { name: string; args: Partial<VersionCheck> & Pick<VersionCheck, "cloud" | "version">; contains: string[] }[] = [
        {
            name: "bad format",
            args: { cloud: "aws", version: "1.x" },
            contains: [`"1.x" is not valid; expected MAJOR.MINOR such as 1.35`],
        },
        {
            name: "a patch version is not MAJOR.MINOR",
            args: { cloud: "azure", version: "1.35.6" },
            contains: [`"1.35.6" is not valid`],
        },
        {
            name: "EKS minor whose extended support ended, nginx chosen: allowed minors today, with and without extended support",
            args: { cloud: "aws", version: "1.31", controller: "nginx", controllerExplicit: true },
            contains: [
                `"1.31" is no longer created by EKS (extended support ended 2026-11-26); expected one of 1.34, 1.35 (1.32, 1.33 only with platform:extendedSupport true)`,
                "If the cluster already exists",
                "set platform:kubernetesVersion to the version it now runs",
            ],
        },
        {
            name: "without an explicit controller, the gateway's minors are allowed too",
            args: { cloud: "aws", version: "1.31" },
            contains: ["expected one of 1.34, 1.35, 1.36 (1.32, 1.33 only with platform:extendedSupport true)"],
        },
        {
            name: "a minor older than the calendar",
            args: { cloud: "gcp", version: "1.27" },
            contains: [`"1.27" is no longer created by GKE`, "expected one of 1.35, 1.36", "the version it now runs"],
        },
        {
            name: "a minor newer than the calendar",
            args: { cloud: "aws", version: "1.37", controller: "gateway" },
            contains: [`"1.37" is not offered by EKS in this release's calendar (checked 2026-12-01, newest 1.36)`],
        },
        {
            name: "EKS extended-only minor without extendedSupport: names the key, the dates and the cost",
            args: { cloud: "aws", version: "1.33" },
            contains: [
                `"1.33" is only in extended support on EKS (standard support ended 2026-07-29`,
                "runs to 2027-07-29",
                "$0.60 per cluster-hour instead of $0.10",
                "set platform:extendedSupport true",
                "expected one of 1.34, 1.35, 1.36",
                "set platform:kubernetesVersion to the version it now runs",
            ],
        },
        {
            name: "AKS LTS-only minor without extendedSupport: names supportPlan and Premium",
            args: { cloud: "azure", version: "1.34" },
            contains: [`"1.34" is only in long-term support (supportPlan AKSLongTermSupport, Premium tier) on AKS (standard support ended 2026-11-30`, "Premium tier"],
        },
        {
            name: "GKE extended-only minor without extendedSupport: names the Extended channel",
            args: { cloud: "gcp", version: "1.33" },
            contains: [`"1.33" is only in the Extended release channel on GKE`],
        },
        {
            name: "nginx on 1.36: names platform:ingressController, why, and points at gateway",
            args: { cloud: "aws", version: "1.36", controller: "nginx", controllerExplicit: true },
            contains: [`"1.36" cannot run platform:ingressController nginx`, "ingress-nginx is retired", "supports Kubernetes 1.31-1.35", "set platform:ingressController to gateway"],
        },
        {
            name: "both on 1.36: nginx cannot run there",
            args: { cloud: "azure", version: "1.36", controller: "both", controllerExplicit: true },
            contains: ["platform:ingressController both", "ingress-nginx is retired"],
        },
        {
            name: "gateway on an extended minor it does not support",
            args: { cloud: "aws", version: "1.32", controller: "gateway", controllerExplicit: true, extendedSupport: true },
            contains: [`"1.32" cannot run platform:ingressController gateway`, `Envoy Gateway release supports Kubernetes 1.${CONTROLLER_SUPPORT.gateway.min}`],
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const verdict = check(c.args);
            assert.ok(verdict.error !== undefined, "expected an error");
            for (const part of c.contains) assert.ok(verdict.error.includes(part), `missing ${JSON.stringify(part)} in: ${verdict.error}`);
            assert.deepEqual(verdict.warnings, []);
        });
    }

    it("the clock decides: 1.31 on EKS was accepted with extended support until 2026-11-26, refused the day after", () => {
        const before = check({ cloud: "aws", version: "1.31", extendedSupport: true, today: new Date("2026-11-26T20:00:00Z") });
        assert.equal(before.error, undefined);
        const after = check({ cloud: "aws", version: "1.31", extendedSupport: true, today: new Date("2026-11-27T00:00:00Z") });
        assert.match(after.error ?? "", /no longer created by EKS/);
    });

    it("an extended-only minor is accepted with platform:extendedSupport true, with a cost warning", () => {
        const verdict = check({ cloud: "aws", version: "1.33", extendedSupport: true });
        assert.equal(verdict.error, undefined);
        assert.equal(verdict.warnings.length, 1);
        assert.match(verdict.warnings[0] ?? "", /1\.33 on EKS is in extended support .*\$0\.60 per cluster-hour instead of \$0\.10, until 2027-07-29; move to 1\.34/);
    });

    it("AKS LTS warning names the Premium tier", () => {
        const verdict = check({ cloud: "azure", version: "1.34", extendedSupport: true });
        assert.equal(verdict.error, undefined);
        assert.match(verdict.warnings[0] ?? "", /long-term support .*Premium tier/);
    });
});

describe("checkKubernetesVersion: warnings before the end of standard support", () => {
    it("EKS 1.34 with nginx on 2026-12-01: one day left, next minor 1.35, and what EKS does", () => {
        const verdict = check({ cloud: "aws", version: "1.34" });
        assert.equal(verdict.error, undefined);
        assert.equal(verdict.warnings.length, 1);
        assert.match(verdict.warnings[0] ?? "", /Kubernetes 1\.34 leaves standard support on EKS on 2026-12-02 \(in 1 day\); move to 1\.35\. EKS upgrades the control plane/);
    });

    it("EKS 1.35 with nginx 90 days before 2027-03-27: EKS will upgrade past 1.35, ingress-nginx stops there, switch or opt in", () => {
        const verdict = check({ cloud: "aws", version: "1.35", today: new Date("2026-12-27T08:00:00Z") });
        assert.equal(verdict.error, undefined);
        const w = verdict.warnings[0] ?? "";
        assert.match(w, /leaves standard support on EKS on 2027-03-27 \(in 90 days\)/);
        assert.match(w, /move to 1\.36, which platform:ingressController nginx cannot run/);
        assert.match(w, /EKS upgrades the control plane to the next minor on that date .*past 1\.35, where ingress-nginx stops working/);
        assert.match(w, /switch platform:ingressController to gateway, or set platform:extendedSupport true/);
    });

    it("AKS and GKE 1.35 with nginx near the end: their own upgrade wording, not a date-certain nginx warning", () => {
        const aks = check({ cloud: "azure", version: "1.35", today: new Date("2027-03-01T00:00:00Z") }).warnings[0] ?? "";
        assert.match(aks, /leaves standard support on AKS on 2027-03-31 .*\. After that date AKS leaves the cluster on its minor, unsupported; it upgrades it by itself only when the minor leaves platform support, outside the maintenance window$/);
        const gke = check({ cloud: "gcp", version: "1.35", today: new Date("2027-03-01T00:00:00Z") }).warnings[0] ?? "";
        assert.match(gke, /\. GKE upgrades clusters outside the Extended channel to the next minor after that date$/);
    });

    it("no warning 91 days before", () => {
        assert.deepEqual(check({ cloud: "aws", version: "1.35", today: new Date("2026-12-26T23:00:00Z") }).warnings, []);
    });

    it("with extendedSupport the warning says the cluster stays and is billed", () => {
        const w = check({ cloud: "aws", version: "1.35", extendedSupport: true, today: new Date("2027-02-01T00:00:00Z") }).warnings[0] ?? "";
        assert.match(w, /stays on 1\.35 in extended support after that date, billed at \$0\.60/);
    });

    it("gateway on EKS 1.35 near its end: plain upgrade warning, no nginx advice", () => {
        const w = check({ cloud: "aws", version: "1.35", controller: "gateway", controllerExplicit: true, today: new Date("2027-03-01T00:00:00Z") }).warnings[0] ?? "";
        assert.match(w, /move to 1\.36\. EKS upgrades the control plane/);
        assert.doesNotMatch(w, /ingress-nginx/);
    });

    it("AKS and GKE say when the cloud upgrades by itself", () => {
        const aks = check({ cloud: "azure", version: "1.35", today: new Date("2027-01-15T00:00:00Z") }).warnings[0] ?? "";
        assert.match(aks, /leaves standard support on AKS on 2027-03-31 .*upgrades it by itself only when the minor leaves platform support/);
        const gke = check({ cloud: "gcp", version: "1.36", controller: "gateway", controllerExplicit: true, today: new Date("2027-07-01T00:00:00Z") }).warnings[0] ?? "";
        assert.match(gke, /leaves standard support on GKE on 2027-08-09 .*move to 1\.37, which platform:ingressController gateway cannot run/);
    });

    it("no warning far from the end", () => {
        for (const cloud of CLOUDS) {
            assert.deepEqual(check({ cloud, version: "1.36", controller: "gateway", controllerExplicit: true }).warnings, [], cloud);
        }
    });
});

describe("checkKubernetesVersion: a calendar older than 90 days", () => {
    it("warns on every preview once the code's calendar is more than 90 days old, naming the check date and the age", () => {
        // 2026-12-01 + 90 days = 2027-03-01: still trusted that day, stale the next. 1.36 stays in
        // standard support past both dates on every cloud, so the stale warning is the only one.
        for (const cloud of CLOUDS) {
            const onDay90 = check({ cloud, version: "1.36", controller: "gateway", controllerExplicit: true, today: new Date("2027-03-01T23:00:00Z") });
            assert.deepEqual(onDay90.warnings, [], cloud);
            const onDay91 = check({ cloud, version: "1.36", controller: "gateway", controllerExplicit: true, today: new Date("2027-03-02T00:00:00Z") });
            assert.equal(onDay91.warnings.length, 1, cloud);
            const service = CALENDARS[cloud].service;
            assert.match(onDay91.warnings[0], new RegExp(`^this code's ${service} support calendar was checked on 2026-12-01, 91 days ago: .*update the platform`));
        }
    });

    it("comes after the support warnings, which stay first", () => {
        const w = check({ cloud: "aws", version: "1.35", today: new Date("2027-03-20T00:00:00Z") }).warnings;
        assert.equal(w.length, 2);
        assert.match(w[0], /^Kubernetes 1\.35 leaves standard support on EKS on 2027-03-27/);
        assert.match(w[1], /support calendar was checked on 2026-12-01, 109 days ago/);
    });
});

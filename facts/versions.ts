/**
 * Which Kubernetes minors each managed cloud still creates, until when, at which price, and which
 * of them the ingress controller can run on. Pure data and pure functions: `config.ts` imports this
 * module, so it imports no cloud SDK.
 *
 * Two clocks, deliberately apart (wave-2 decisions, "Versions"):
 * - the default minor is read at the calendar's `checkedOn` date, so it is fixed in the code of a
 *   release and never moves under a running stack;
 * - refusals and warnings use the `today` the caller passes (the wall clock at run time, a pinned
 *   date in tests), so a stack that was fine last month is told when its minor runs out.
 */

import { ENVOY_GATEWAY } from "./gateway-versions";

export type ManagedCloud = "aws" | "gcp" | "azure";
export type IngressController = "nginx" | "gateway" | "both";

export interface MinorSupport {
    /** `MAJOR.MINOR`, e.g. "1.35". */
    minor: string;
    /** Last day of standard support (ISO date, UTC). From the next day on the minor is extended-only or gone. */
    endOfStandard: string;
    /**
     * Last day of the paid/long support that follows (EKS extended support, AKS long-term support,
     * GKE Extended channel). Absent: the minor is gone after `endOfStandard`.
     */
    endOfExtended?: string;
}

export interface SupportCalendar {
    cloud: ManagedCloud;
    /** The date the entries were checked against the sources; the default minor is computed at this date. */
    checkedOn: string;
    sources: string[];
    /** What the cloud calls its support beyond standard, as the messages name it. */
    extendedSupportName: string;
    /**
     * Every minor the cloud still creates on `checkedOn`, including extended-only ones, plus the
     * minors that left in the last months (kept so a refusal can say when they ended, and so a test
     * clock set before that day sees them as the cloud did). Oldest first.
     */
    minors: readonly MinorSupport[];
}

/** How each cloud is named in messages, what its extended support costs and what it needs. */
interface CloudWording {
    service: string;
    /** Cost of extended support compared with standard, for the warning. */
    extendedCost: string;
    /** What the cloud does to a cluster when standard support ends and extended support is not chosen. */
    atEndOfStandard: string;
    /** The config that opts into extended support on this cloud. */
    optIn: string;
}

const WORDING: { [c in ManagedCloud]: CloudWording } = {
    aws: {
        service: "EKS",
        // aws.amazon.com/eks/pricing (checked 2026-12-01): $0.10 per cluster-hour in standard
        // support, $0.60 in extended support.
        extendedCost: "$0.60 per cluster-hour instead of $0.10",
        atEndOfStandard: "EKS upgrades the control plane to the next minor on that date (upgradePolicy.supportType STANDARD)",
        optIn: "platform:extendedSupport true",
    },
    gcp: {
        service: "GKE",
        // unverified: GKE pricing, extended support period: an extra charge per cluster-hour on top
        // of the cluster management fee for clusters in the Extended channel past standard support.
        extendedCost: "an extended-support charge per cluster-hour on top of the cluster management fee",
        atEndOfStandard: "GKE upgrades clusters outside the Extended channel to the next minor after that date",
        // GKE has no separate switch: a minor past standard support needs the Extended release channel.
        optIn: "platform:releaseChannel EXTENDED",
    },
    azure: {
        service: "AKS",
        // learn.microsoft.com/azure/aks/long-term-support: LTS needs the Premium tier; Azure/AKS
        // CHANGELOG 2026-04-28: Premium billing starts only when the minor leaves community support.
        // unverified: the tier prices ($0.60 vs $0.10 per cluster-hour, azure.microsoft.com pricing).
        extendedCost: "the Premium tier ($0.60 per cluster-hour instead of the Standard tier's $0.10)",
        atEndOfStandard: "AKS upgrades clusters that fall out of support by itself, whatever the upgrade channel",
        optIn: "platform:extendedSupport true",
    },
};

export const CALENDARS: { [c in ManagedCloud]: SupportCalendar } = {
    aws: {
        cloud: "aws",
        checkedOn: "2026-12-01",
        sources: [
            "docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (Amazon EKS Kubernetes release calendar)",
            "endoflife.date/amazon-eks (scrapes that calendar; release table for 1.36, 2026-08)",
            "aws/containers-roadmap#2864 (Kubernetes 1.37 on EKS: still open)",
        ],
        extendedSupportName: "extended support",
        minors: [
            { minor: "1.31", endOfStandard: "2025-11-26", endOfExtended: "2026-11-26" },
            { minor: "1.32", endOfStandard: "2026-03-23", endOfExtended: "2027-03-23" },
            { minor: "1.33", endOfStandard: "2026-07-29", endOfExtended: "2027-07-29" },
            { minor: "1.34", endOfStandard: "2026-12-02", endOfExtended: "2027-12-02" },
            { minor: "1.35", endOfStandard: "2027-03-27", endOfExtended: "2028-03-27" },
            // EKS release 2026-06-02; 14 months standard, 12 extended (endoflife.date from the EKS table).
            { minor: "1.36", endOfStandard: "2027-08-02", endOfExtended: "2028-08-02" },
            // 1.37 (upstream 2026-08-26): no EKS release confirmed by 2026-12-01 (containers-roadmap#2864
            // open); left out, and no controller release supports it yet either.
        ],
    },
    gcp: {
        cloud: "gcp",
        checkedOn: "2026-12-01",
        sources: [
            "cloud.google.com/kubernetes-engine/docs/release-schedule (estimated schedule for release channels)",
            "cloud.google.com/kubernetes-engine/versioning (about 14 months standard, up to 24 months with the Extended channel)",
            "endoflife.date/google-kubernetes-engine (Regular availability and end of standard support, 2026-08)",
        ],
        extendedSupportName: "the Extended release channel",
        minors: [
            // End of extended = 24 months after Regular availability (GKE versioning page).
            // unverified: the release-schedule table's own end-of-extended-support dates.
            { minor: "1.31", endOfStandard: "2026-01-16", endOfExtended: "2026-10-25" },
            { minor: "1.32", endOfStandard: "2026-04-11", endOfExtended: "2027-02-11" },
            { minor: "1.33", endOfStandard: "2026-08-03", endOfExtended: "2027-06-03" },
            // unverified: endoflife.date gives 2026-10-01 (14 months after Regular would be 2026-11-30);
            // either way 1.34 is past standard support on 2026-12-01.
            { minor: "1.34", endOfStandard: "2026-10-01", endOfExtended: "2027-09-30" },
            { minor: "1.35", endOfStandard: "2027-04-11", endOfExtended: "2028-02-11" },
            { minor: "1.36", endOfStandard: "2027-08-09", endOfExtended: "2028-06-09" },
            // unverified: 1.37 in the Regular channel by 2026-12-01; left out (no controller supports it).
        ],
    },
    azure: {
        cloud: "azure",
        checkedOn: "2026-12-01",
        sources: [
            "learn.microsoft.com/azure/aks/supported-kubernetes-versions (AKS release calendar and LTS versions; MicrosoftDocs/azure-aks-docs 2026-08-21)",
            "github.com/Azure/AKS CHANGELOG.md (2026-04-28: 1.32 LTS-only; 2026-07-17: 1.33 LTS-only; 1.37 expected October 2026)",
        ],
        extendedSupportName: "long-term support (supportPlan AKSLongTermSupport, Premium tier)",
        minors: [
            // "Mar 2026" in the AKS table means the last day of that month (its note).
            { minor: "1.31", endOfStandard: "2025-11-01", endOfExtended: "2026-11-30" },
            { minor: "1.32", endOfStandard: "2026-03-31", endOfExtended: "2027-03-31" },
            { minor: "1.33", endOfStandard: "2026-07-31", endOfExtended: "2027-07-31" },
            { minor: "1.34", endOfStandard: "2026-11-30", endOfExtended: "2027-11-30" },
            { minor: "1.35", endOfStandard: "2027-03-31", endOfExtended: "2028-03-31" },
            { minor: "1.36", endOfStandard: "2027-06-30", endOfExtended: "2028-06-30" },
            // unverified: 1.37 GA (planned October 2026); left out (no controller supports it).
        ],
    },
};

/**
 * Kubernetes minors (the number after "1.") each ingress controller supports.
 */
export const CONTROLLER_SUPPORT: { [c in "nginx" | "gateway"]: { min: number; max: number; source: string } } = {
    nginx: {
        min: 31,
        max: 35,
        source: "ingress-nginx README support table: controller v1.15.1 / chart 4.15.1 (its last release, 2026-03-19) supports Kubernetes 1.31-1.35; the project is retired",
    },
    gateway: {
        // The pinned Envoy Gateway line; no release lists Kubernetes 1.37 yet (checked 2026-12-01).
        min: ENVOY_GATEWAY.kubernetesMinors.min,
        max: ENVOY_GATEWAY.kubernetesMinors.max,
        source: `Envoy Gateway compatibility matrix (gateway.envoyproxy.io/news/releases/matrix): ${ENVOY_GATEWAY.version.replace(/\.\d+$/, "")} supports Kubernetes 1.${ENVOY_GATEWAY.kubernetesMinors.min}-1.${ENVOY_GATEWAY.kubernetesMinors.max}`,
    },
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** Warn this many days before standard support ends (issue 17). */
export const WARNING_DAYS = 90;

/** Minor number of a `1.N` string, or undefined when the format is wrong. */
export function parseMinor(version: string): number | undefined {
    const m = /^1\.(0|[1-9][0-9]*)$/.exec(version.trim());
    return m ? Number(m[1]) : undefined;
}

function minorOf(entry: MinorSupport): number {
    return Number(entry.minor.split(".")[1]);
}

/** The controllers a setting actually runs (`both` runs nginx and the gateway side by side). */
function runs(controller: IngressController): ("nginx" | "gateway")[] {
    return controller === "both" ? ["nginx", "gateway"] : [controller];
}

/** Whether every controller of the setting supports the minor. */
export function controllerSupports(controller: IngressController, minor: number): boolean {
    return runs(controller).every((c) => minor >= CONTROLLER_SUPPORT[c].min && minor <= CONTROLLER_SUPPORT[c].max);
}

/** Midnight UTC at the start of an ISO date. */
function dayStart(iso: string): number {
    return Date.parse(`${iso}T00:00:00Z`);
}

/** Start of the UTC day `today` falls in. */
function utcDay(today: Date): number {
    return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
}

export type SupportPhase = "standard" | "extended" | "gone";

/** Where a minor stands on a day: the end dates are the last days of each phase. */
export function supportPhase(entry: MinorSupport, today: Date): SupportPhase {
    const day = utcDay(today);
    if (day <= dayStart(entry.endOfStandard)) return "standard";
    if (entry.endOfExtended !== undefined && day <= dayStart(entry.endOfExtended)) return "extended";
    return "gone";
}

/**
 * The newest minor in standard support on the calendar's `checkedOn` date (never the wall clock)
 * that the controller supports; `both` takes the intersection of nginx and the gateway.
 */
export function defaultKubernetesVersion(cloud: ManagedCloud, controller: IngressController): string {
    const calendar = CALENDARS[cloud];
    const checkedOn = new Date(`${calendar.checkedOn}T00:00:00Z`);
    const candidates = calendar.minors.filter((e) => supportPhase(e, checkedOn) === "standard" && controllerSupports(controller, minorOf(e)));
    const newest = candidates[candidates.length - 1];
    if (newest === undefined) {
        // A calendar edit that leaves no default is a bug in this file, caught by the tests.
        throw new Error(`no ${WORDING[cloud].service} minor in standard support on ${calendar.checkedOn} runs ingress controller ${controller}`);
    }
    return newest.minor;
}

/** `gateway` when an explicit version is 1.36 or later (ingress-nginx cannot run there), else `nginx`. */
export function defaultIngressController(version: string | undefined): IngressController {
    if (version === undefined) return "nginx";
    const minor = parseMinor(version);
    return minor !== undefined && minor > CONTROLLER_SUPPORT.nginx.max ? "gateway" : "nginx";
}

export interface VersionVerdict {
    /** The text after `platform:kubernetesVersion: `; absent when the version is accepted. */
    error?: string;
    /** One line each, for pulumi.log.warn. */
    warnings: string[];
}

export interface VersionCheck {
    cloud: ManagedCloud;
    version: string;
    controller: IngressController;
    /** Whether the user set `platform:ingressController`; if not, any controller could be chosen for the minor. */
    controllerExplicit: boolean;
    extendedSupport: boolean;
    today: Date;
}

function list(minors: readonly MinorSupport[]): string {
    return minors.map((e) => e.minor).join(", ");
}

/** "expected one of A, B (C, D only with platform:extendedSupport true)". */
function allowedToday(calendar: SupportCalendar, today: Date, fits: (minor: number) => boolean): string {
    const optIn = WORDING[calendar.cloud].optIn;
    const usable = calendar.minors.filter((e) => fits(minorOf(e)));
    const standard = usable.filter((e) => supportPhase(e, today) === "standard");
    const extended = usable.filter((e) => supportPhase(e, today) === "extended");
    const head = standard.length > 0 ? `expected one of ${list(standard)}` : `no minor is in standard support`;
    return extended.length > 0 ? `${head} (${list(extended)} only with ${optIn})` : head;
}

function controllerRange(c: "nginx" | "gateway"): string {
    return `1.${CONTROLLER_SUPPORT[c].min}-1.${CONTROLLER_SUPPORT[c].max}`;
}

/** Why a controller setting cannot run a minor, naming platform:ingressController. */
function controllerProblem(controller: IngressController, version: string, minor: number): string | undefined {
    const failing = runs(controller).filter((c) => !controllerSupports(c, minor));
    if (failing.length === 0) return undefined;
    const reasons = failing.map((c) =>
        c === "nginx"
            ? `ingress-nginx is retired and its last release (controller 1.15.1, chart 4.15.1) supports Kubernetes ${controllerRange("nginx")}`
            : `the pinned Envoy Gateway release supports Kubernetes ${controllerRange("gateway")}`,
    );
    const fix =
        failing.includes("nginx") && controllerSupports("gateway", minor)
            ? `set platform:ingressController to gateway (see README, "Migrating from nginx to gateway")`
            : failing.includes("gateway") && controllerSupports("nginx", minor) && minor <= CONTROLLER_SUPPORT.nginx.max
              ? `choose platform:kubernetesVersion 1.${CONTROLLER_SUPPORT.gateway.min} or later for gateway`
              : `choose a platform:kubernetesVersion the controller supports`;
    return `"${version}" cannot run platform:ingressController ${controller}: ${reasons.join("; ")}; ${fix}`;
}

/**
 * Decide whether `version` may be sent to the cloud today, with which warnings. The order of
 * checks is the order a user fixes things in: format, does the cloud create it at all, does it
 * need extended support, can the chosen controller run on it.
 */
export function checkKubernetesVersion(a: VersionCheck): VersionVerdict {
    const calendar = CALENDARS[a.cloud];
    const words = WORDING[a.cloud];
    const minor = parseMinor(a.version);
    // Without an explicit controller the config picks one from the version, so any minor some
    // controller runs is allowed; with one, only the minors that controller runs.
    const fits = (m: number): boolean =>
        a.controllerExplicit ? controllerSupports(a.controller, m) : controllerSupports("nginx", m) || controllerSupports("gateway", m);
    const allowed = (): string => allowedToday(calendar, a.today, fits);

    if (minor === undefined) {
        return { error: `"${a.version}" is not valid; expected MAJOR.MINOR such as ${defaultKubernetesVersion(a.cloud, a.controller)}`, warnings: [] };
    }
    const entry = calendar.minors.find((e) => minorOf(e) === minor);
    const existing = `If the cluster already exists, ${words.service} has moved it to a newer minor: set platform:kubernetesVersion to the version it now runs`;
    if (entry === undefined) {
        const newest = calendar.minors[calendar.minors.length - 1];
        if (newest !== undefined && minor > minorOf(newest)) {
            return {
                error: `"${a.version}" is not offered by ${words.service} in this release's calendar (checked ${calendar.checkedOn}, newest ${newest.minor}); ${allowed()}`,
                warnings: [],
            };
        }
        return { error: `"${a.version}" is no longer created by ${words.service}; ${allowed()}. ${existing}`, warnings: [] };
    }

    const phase = supportPhase(entry, a.today);
    if (phase === "gone") {
        const ended = entry.endOfExtended !== undefined ? `${calendar.extendedSupportName} ended ${entry.endOfExtended}` : `standard support ended ${entry.endOfStandard}`;
        return { error: `"${a.version}" is no longer created by ${words.service} (${ended}); ${allowed()}. ${existing}`, warnings: [] };
    }
    if (phase === "extended" && !a.extendedSupport) {
        return {
            error:
                `"${a.version}" is only in ${calendar.extendedSupportName} on ${words.service} (standard support ended ${entry.endOfStandard}; ` +
                `${calendar.extendedSupportName} runs to ${entry.endOfExtended} at ${words.extendedCost}); set ${words.optIn} to use it, or ${allowed()}. ` +
                `If the cluster already exists and was not in ${calendar.extendedSupportName}, ${words.service} has moved it: set platform:kubernetesVersion to the version it now runs`,
            warnings: [],
        };
    }

    const controllerError = controllerProblem(a.controller, a.version, minor);
    if (controllerError !== undefined) return { error: controllerError, warnings: [] };

    const warnings: string[] = [];
    const newer = calendar.minors.find((e) => minorOf(e) === minor + 1);
    const next = newer?.minor ?? `1.${minor + 1}`;
    const nextNote = controllerSupports(a.controller, minor + 1)
        ? `move to ${next}`
        : `move to ${next}, which platform:ingressController ${a.controller} cannot run (${a.controller === "gateway" ? `Envoy Gateway supports ${controllerRange("gateway")}` : "switch to gateway first"})`;

    if (phase === "extended") {
        warnings.push(
            `Kubernetes ${entry.minor} on ${words.service} is in ${calendar.extendedSupportName} (standard support ended ${entry.endOfStandard}), billed at ${words.extendedCost}, until ${entry.endOfExtended}; ${nextNote}`,
        );
        return { warnings };
    }

    const daysLeft = Math.round((dayStart(entry.endOfStandard) - utcDay(a.today)) / DAY_MS);
    if (daysLeft <= WARNING_DAYS) {
        const base = `Kubernetes ${entry.minor} leaves standard support on ${words.service} on ${entry.endOfStandard} (in ${daysLeft} ${daysLeft === 1 ? "day" : "days"}); ${nextNote}`;
        if (a.extendedSupport) {
            warnings.push(`${base}. With ${words.optIn} the cluster stays on ${entry.minor} in ${calendar.extendedSupportName} after that date, billed at ${words.extendedCost}`);
        } else if (a.cloud === "aws" && runs(a.controller).includes("nginx") && !controllerSupports("nginx", minor + 1)) {
            warnings.push(
                `${base}. ${words.atEndOfStandard}, past 1.${CONTROLLER_SUPPORT.nginx.max}, where ingress-nginx stops working: switch platform:ingressController to gateway, or set ${words.optIn} (${words.extendedCost})`,
            );
        } else {
            warnings.push(`${base}. ${words.atEndOfStandard}`);
        }
    }
    return { warnings };
}

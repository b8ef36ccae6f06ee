/**
 * Which Kubernetes minors each managed cloud still creates, until when, at which price, and which
 * of them the ingress controller can run on: the logic over each cloud's calendar (the data is in
 * facts/<cloud>/versions.ts). Pure functions: config imports this module, so it imports no cloud SDK.
 *
 * Two clocks, deliberately apart (wave-2 decisions, "Versions"):
 * - the default minor is read at the calendar's `checkedOn` date, so it is fixed in the code of a
 *   release and never moves under a running stack;
 * - refusals and warnings use the `today` the caller passes (the wall clock at run time, a pinned
 *   date in tests), so a stack that was fine last month is told when its minor runs out.
 */

import { AKS_CALENDAR } from "./azure/versions";
import type { MinorSupport, SupportCalendar } from "./calendar";
import { EKS_CALENDAR } from "./aws/versions";
import { ENVOY_GATEWAY } from "./gateway-versions";
import { GKE_CALENDAR } from "./gcp/versions";

export type { MinorSupport, SupportCalendar } from "./calendar";
export type IngressController = "nginx" | "gateway" | "both";

/** Each managed cloud's calendar (facts/<cloud>/versions.ts): a new cloud adds its module here. */
export const CALENDARS = { aws: EKS_CALENDAR, gcp: GKE_CALENDAR, azure: AKS_CALENDAR } as const satisfies Record<string, SupportCalendar>;
export type ManagedCloud = keyof typeof CALENDARS;

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

/**
 * How many days after its `checkedOn` date a calendar is trusted without a word. Clouds add a minor
 * about every four months and retire one as often, so past this the refusals, warnings and the
 * default minor this code derives may no longer match the cloud: every preview says so.
 */
export const STALE_CALENDAR_DAYS = 90;

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
        throw new Error(`no ${calendar.service} minor in standard support on ${calendar.checkedOn} runs ingress controller ${controller}`);
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
    const optIn = calendar.optIn;
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
            ? `set platform:ingressController to gateway (see docs/gateway.md, "Runbook: nginx → gateway on a running stack")`
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
    const calendar: SupportCalendar = CALENDARS[a.cloud];
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
    const existing = `If the cluster already exists, ${calendar.existingCluster ?? `${calendar.service} has moved it to a newer minor: set platform:kubernetesVersion to the version it now runs`}`;
    if (entry === undefined) {
        const newest = calendar.minors[calendar.minors.length - 1];
        if (newest !== undefined && minor > minorOf(newest)) {
            return {
                error: `"${a.version}" is not offered by ${calendar.service} in this release's calendar (checked ${calendar.checkedOn}, newest ${newest.minor}); ${allowed()}`,
                warnings: [],
            };
        }
        return { error: `"${a.version}" is no longer created by ${calendar.service}; ${allowed()}. ${existing}`, warnings: [] };
    }

    const phase = supportPhase(entry, a.today);
    if (phase === "gone") {
        const ended = entry.endOfExtended !== undefined ? `${calendar.extendedSupportName} ended ${entry.endOfExtended}` : `standard support ended ${entry.endOfStandard}`;
        return { error: `"${a.version}" is no longer created by ${calendar.service} (${ended}); ${allowed()}. ${existing}`, warnings: [] };
    }
    if (phase === "extended" && !a.extendedSupport) {
        return {
            error:
                `"${a.version}" is only in ${calendar.extendedSupportName} on ${calendar.service} (standard support ended ${entry.endOfStandard}; ` +
                `${calendar.extendedSupportName} runs to ${entry.endOfExtended} at ${calendar.extendedCost}); set ${calendar.optIn} to use it, or ${allowed()}. ` +
                (calendar.existingCluster !== undefined
                    ? `If the cluster already exists, ${calendar.existingCluster}`
                    : `If the cluster already exists and was not in ${calendar.extendedSupportName}, ${calendar.service} has moved it: set platform:kubernetesVersion to the version it now runs`),
            warnings: [],
        };
    }

    const controllerError = controllerProblem(a.controller, a.version, minor);
    if (controllerError !== undefined) return { error: controllerError, warnings: [] };
    return { warnings: [...supportWarnings(a, calendar, entry, phase), ...staleCalendarWarning(a.cloud, a.today)] };
}

/** The warning that the running code's calendar for `cloud` was checked more than STALE_CALENDAR_DAYS before `today`. */
export function staleCalendarWarning(cloud: ManagedCloud, today: Date): string[] {
    const calendar: SupportCalendar = CALENDARS[cloud];
    const age = Math.round((utcDay(today) - dayStart(calendar.checkedOn)) / DAY_MS);
    if (age <= STALE_CALENDAR_DAYS) return [];
    return [
        `this code's ${calendar.service} support calendar was checked on ${calendar.checkedOn}, ${age} days ago: ${calendar.service} may have added or retired minors since, so the allowed minors, the warnings and the default minor may be out of date; update the platform, or check the minor against ${calendar.sources[0] ?? `${calendar.service}'s release calendar`}`,
    ];
}

/** The warnings for an accepted minor: billed extended support, or standard support ending soon. */
function supportWarnings(a: VersionCheck, calendar: SupportCalendar, entry: MinorSupport, phase: SupportPhase): string[] {
    const minor = minorOf(entry);
    const newer = calendar.minors.find((e) => minorOf(e) === minor + 1);
    const next = newer?.minor ?? `1.${minor + 1}`;
    const nextNote = controllerSupports(a.controller, minor + 1)
        ? `move to ${next}`
        : `move to ${next}, which platform:ingressController ${a.controller} cannot run (${a.controller === "gateway" ? `Envoy Gateway supports ${controllerRange("gateway")}` : "switch to gateway first"})`;

    if (phase === "extended") {
        return [
            `Kubernetes ${entry.minor} on ${calendar.service} is in ${calendar.extendedSupportName} (standard support ended ${entry.endOfStandard}), billed at ${calendar.extendedCost}, until ${entry.endOfExtended}; ${nextNote}`,
        ];
    }
    const daysLeft = Math.round((dayStart(entry.endOfStandard) - utcDay(a.today)) / DAY_MS);
    if (daysLeft > WARNING_DAYS) return [];
    const base = `Kubernetes ${entry.minor} leaves standard support on ${calendar.service} on ${entry.endOfStandard} (in ${daysLeft} ${daysLeft === 1 ? "day" : "days"}); ${nextNote}`;
    if (a.extendedSupport) {
        return [`${base}. With ${calendar.optIn} the cluster stays on ${entry.minor} in ${calendar.extendedSupportName} after that date, billed at ${calendar.extendedCost}`];
    }
    if (calendar.upgradesOnEndOfStandard && runs(a.controller).includes("nginx") && !controllerSupports("nginx", minor + 1)) {
        return [
            `${base}. ${calendar.atEndOfStandard}, past 1.${CONTROLLER_SUPPORT.nginx.max}, where ingress-nginx stops working: switch platform:ingressController to gateway, or set ${calendar.optIn} (${calendar.extendedCost})`,
        ];
    }
    return [`${base}. ${calendar.atEndOfStandard}`];
}

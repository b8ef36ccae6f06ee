/** GKE's Kubernetes support calendar (data only; facts/versions.ts reads it). */
import type { SupportCalendar } from "../calendar";

export const GKE_CALENDAR: SupportCalendar = {
    service: "GKE",
    checkedOn: "2026-12-01",
    sources: [
        "cloud.google.com/kubernetes-engine/docs/release-schedule (estimated schedule for release channels)",
        "cloud.google.com/kubernetes-engine/versioning (about 14 months standard, up to 24 months with the Extended channel)",
        "endoflife.date/google-kubernetes-engine (Regular availability and end of standard support, 2026-08)",
    ],
    extendedSupportName: "the Extended release channel",
    // unverified: GKE pricing, extended support period: an extra charge per cluster-hour on top
    // of the cluster management fee for clusters in the Extended channel past standard support.
    extendedCost: "an extended-support charge per cluster-hour on top of the cluster management fee",
    atEndOfStandard: "GKE upgrades clusters outside the Extended channel to the next minor after that date",
    upgradesOnEndOfStandard: false,
    // GKE has no separate switch: a minor past standard support needs the Extended release channel.
    optIn: "platform:releaseChannel EXTENDED",
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
};

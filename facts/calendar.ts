/**
 * The shape of a managed cloud's Kubernetes support calendar: which minors it creates, until when,
 * and how its support beyond standard is named, priced and chosen. Each cloud's calendar is data in
 * facts/<cloud>/versions.ts; the logic that reads them (defaults, refusals, warnings) is
 * facts/versions.ts and asks the calendar, never which cloud it is.
 */

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
    /** The managed service, as messages name it (`EKS`). */
    service: string;
    /** The date the entries were checked against the sources; the default minor is computed at this date. */
    checkedOn: string;
    sources: string[];
    /** What the cloud calls its support beyond standard, as the messages name it. */
    extendedSupportName: string;
    /** Cost of extended support compared with standard, for the warning. */
    extendedCost: string;
    /** What the cloud does to a cluster when standard support ends and extended support is not chosen. */
    atEndOfStandard: string;
    /**
     * Whether that upgrade lands on the end-of-standard date itself, so the warning can say the
     * cluster will be on the next minor then (and, past ingress-nginx's range, how to stay working).
     */
    upgradesOnEndOfStandard: boolean;
    /**
     * What a refusal tells the owner of a running cluster on a minor past its support, after "If
     * the cluster already exists, ". Default: the cloud has moved it to a newer minor (EKS, GKE).
     */
    existingCluster?: string;
    /** The config that opts into extended support on this cloud. */
    optIn: string;
    /**
     * Every minor the cloud still creates on `checkedOn`, including extended-only ones, plus the
     * minors that left in the last months (kept so a refusal can say when they ended, and so a test
     * clock set before that day sees them as the cloud did). Oldest first.
     */
    minors: readonly MinorSupport[];
}

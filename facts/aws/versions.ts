/** EKS's Kubernetes support calendar (data only; facts/versions.ts reads it). */
import type { SupportCalendar } from "../calendar";

export const EKS_CALENDAR: SupportCalendar = {
    service: "EKS",
    checkedOn: "2026-12-01",
    sources: [
        "docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (Amazon EKS Kubernetes release calendar)",
        "endoflife.date/amazon-eks (scrapes that calendar; release table for 1.36, 2026-08)",
        "aws/containers-roadmap#2864 (Kubernetes 1.37 on EKS: still open)",
    ],
    extendedSupportName: "extended support",
    // aws.amazon.com/eks/pricing (checked 2026-12-01): $0.10 per cluster-hour in standard
    // support, $0.60 in extended support.
    extendedCost: "$0.60 per cluster-hour instead of $0.10",
    atEndOfStandard: "EKS upgrades the control plane to the next minor on that date (upgradePolicy.supportType STANDARD)",
    upgradesOnEndOfStandard: true,
    optIn: "platform:extendedSupport true",
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
};

/** AKS's Kubernetes support calendar (data only; facts/versions.ts reads it). */
import type { SupportCalendar } from "../calendar";

export const AKS_CALENDAR: SupportCalendar = {
    service: "AKS",
    checkedOn: "2026-12-01",
    sources: [
        "learn.microsoft.com/azure/aks/supported-kubernetes-versions (AKS release calendar and LTS versions; MicrosoftDocs/azure-aks-docs 2026-08-21)",
        "github.com/Azure/AKS CHANGELOG.md (2026-04-28: 1.32 LTS-only; 2026-07-17: 1.33 LTS-only; 1.37 expected October 2026)",
    ],
    extendedSupportName: "long-term support (supportPlan AKSLongTermSupport, Premium tier)",
    // learn.microsoft.com/azure/aks/long-term-support: LTS needs the Premium tier; Azure/AKS
    // CHANGELOG 2026-04-28: Premium billing starts only when the minor leaves community support.
    // unverified: the tier prices ($0.60 vs $0.10 per cluster-hour, azure.microsoft.com pricing).
    extendedCost: "the Premium tier ($0.60 per cluster-hour instead of the Standard tier's $0.10)",
    // AKS does not move a cluster when its minor leaves standard (community) support: the cluster
    // runs on, unsupported, and AKS upgrades it by itself only when the minor leaves platform
    // support (N-3 falling to N-4; from 2027-06-01 after a 60-day grace period), and that
    // platform-initiated upgrade ignores the maintenance window. A cluster on an unsupported minor
    // may skip minors up to the oldest supported one. (learn.microsoft.com/azure/aks/
    // platform-initiated-upgrades, auto-upgrade-cluster, upgrade-options; checked 2026-12-07.)
    atEndOfStandard:
        "After that date AKS leaves the cluster on its minor, unsupported; it upgrades it by itself only when the minor leaves platform support, outside the maintenance window",
    existingCluster:
        "it still runs this minor, unsupported: AKS upgrades it by itself only once the minor leaves platform support. Upgrade it now: set platform:kubernetesVersion to the oldest minor allowed above (from an unsupported minor AKS may skip minors up to the oldest supported one)",
    upgradesOnEndOfStandard: false,
    optIn: "platform:extendedSupport true",
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
};

/**
 * AKS planned maintenance from `platform:maintenanceWindow`: the cluster's auto-upgrades (channel
 * `platform:upgradeChannel`) and node OS upgrades (`platform:nodeOsUpgradeChannel`, which reimages
 * nodes and so restarts the single Postgres) start only inside the window, not at any hour.
 *
 * Two `MaintenanceConfiguration`s with the names AKS reserves for them,
 * `aksManagedAutoUpgradeSchedule` and `aksManagedNodeOSUpgradeSchedule`, each a weekly schedule
 * (azure-native 3.28: containerservice API 2025-09-01; learn.microsoft.com/azure/aks/
 * planned-maintenance, checked 2026-12-07: one day a week, 4-24 hours, start `HH:mm` with a UTC
 * offset; the node OS schedule should recur at least weekly for NodeImage, which weekly does).
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import type * as pulumi from "@pulumi/pulumi";
import type { MaintenanceWindow, Weekday } from "../../config/maintenance";

/** The configuration names AKS reads its planned-maintenance schedules from. */
export const AKS_MAINTENANCE_CONFIGS = {
    autoUpgrade: "aksManagedAutoUpgradeSchedule",
    nodeOsUpgrade: "aksManagedNodeOSUpgradeSchedule",
} as const;

/** iCalendar day names as AKS's `WeekDay` enum spells them. */
const AKS_WEEKDAY: Readonly<Record<Weekday, string>> = {
    MO: "Monday",
    TU: "Tuesday",
    WE: "Wednesday",
    TH: "Thursday",
    FR: "Friday",
    SA: "Saturday",
    SU: "Sunday",
};

/** The weekly AKS maintenance window for `w` (config allows one day on AKS), in UTC. */
export function aksMaintenanceWindow(w: MaintenanceWindow): azureInputs.containerservice.MaintenanceWindowArgs {
    const day = w.days[0];
    if (day === undefined || w.days.length !== 1) throw new Error(`an AKS weekly maintenance window opens on one day, got ${w.days.join(",") || "none"}`);
    return {
        schedule: { weekly: { dayOfWeek: AKS_WEEKDAY[day], intervalWeeks: 1 } },
        startTime: w.start,
        durationHours: w.hours,
        utcOffset: "+00:00",
    };
}

/** Both planned-maintenance configurations of `cluster`, with the same window. */
export function plannedMaintenance(
    name: string,
    scope: { resourceGroupName: pulumi.Input<string>; clusterName: pulumi.Input<string> },
    window: MaintenanceWindow,
    opts: pulumi.CustomResourceOptions,
): containerservice.MaintenanceConfiguration[] {
    const maintenanceWindow = aksMaintenanceWindow(window);
    return Object.entries(AKS_MAINTENANCE_CONFIGS).map(
        ([kind, configName]) =>
            new containerservice.MaintenanceConfiguration(
                `${name}-maintenance-${kind}`,
                { resourceGroupName: scope.resourceGroupName, resourceName: scope.clusterName, configName, maintenanceWindow },
                opts,
            ),
    );
}

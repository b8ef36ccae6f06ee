/**
 * `platform:maintenanceWindow`: one weekly window, one text shape on every cloud that schedules
 * its own upgrades: `<days> <HH:MM> <hours>h`, in UTC, days as iCalendar BYDAY names (`MO`…`SU`,
 * the names GKE's RRULE recurrence takes). Each cloud checks what its scheduler accepts.
 */
import type { Kind } from "./kinds";
import type { Cloud } from "./domains";

export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface MaintenanceWindow {
    /** The days the window opens on, in week order, each once. */
    readonly days: readonly Weekday[];
    /** Start, `HH:MM` UTC. */
    readonly start: string;
    /** Length in whole hours. */
    readonly hours: number;
}

const SHAPE = /^([A-Z]{2}(?:,[A-Z]{2})*) ([01][0-9]|2[0-3]):([0-5][0-9]) ([0-9]{1,3})h$/;
const EXAMPLE = "`SA,SU 01:00 6h` (Saturdays and Sundays, 01:00 UTC, 6 hours)";

/** The window in `raw`, or what is wrong with its shape. */
export function parseMaintenanceWindow(raw: string): MaintenanceWindow | string {
    const m = SHAPE.exec(raw);
    if (!m) return `"${raw}" is not a window; expected <days> <HH:MM> <hours>h in UTC such as ${EXAMPLE}`;
    const days = m[1].split(",");
    const unknown = days.find((d) => !(WEEKDAYS as readonly string[]).includes(d));
    if (unknown !== undefined) return `"${unknown}" is not a day; expected ${WEEKDAYS.join(", ")}`;
    if (new Set(days).size !== days.length) return `"${m[1]}" names a day twice`;
    const ordered = WEEKDAYS.filter((d) => days.includes(d));
    return { days: ordered, start: `${m[2]}:${m[3]}`, hours: Number(m[4]) };
}

/**
 * What each cloud's scheduler accepts:
 * - AKS planned maintenance (`aksManagedAutoUpgradeSchedule`, `aksManagedNodeOSUpgradeSchedule`):
 *   a weekly schedule has one `dayOfWeek`, and `durationHours` is at least 4 (AKS planned
 *   maintenance docs, "Schedule configuration types", checked 2026-12-07).
 * - GKE maintenance windows: each occurrence at least 4 hours, and at least 48 hours of windows
 *   in any 32-day period (GKE "Maintenance windows and exclusions", checked 2026-12-07). 32 days
 *   always hold at least 4 of each weekday, so days × hours × 4 ≥ 48.
 */
export function maintenanceWindowProblem(cloud: Cloud, w: MaintenanceWindow): string | undefined {
    if (w.hours < 4 || w.hours > 24) return `${w.hours}h is out of range; expected 4 to 24 hours`;
    if (cloud === "azure" && w.days.length !== 1) {
        return `names ${w.days.length} days; an AKS weekly maintenance schedule opens on one day, expected one such as \`SU 01:00 8h\``;
    }
    if (cloud === "gcp" && w.days.length * w.hours * 4 < 48) {
        return `gives ${w.days.length * w.hours * 4} hours in 4 weeks; GKE needs at least 48 hours of maintenance windows in any 32 days, expected days × hours ≥ 12 such as ${EXAMPLE}`;
    }
    return undefined;
}

export function maintenanceWindowKind(cloud: Cloud): Kind<MaintenanceWindow> {
    return {
        type: "weekly window `<days> <HH:MM> <hours>h` (UTC)",
        parse(raw) {
            const w = parseMaintenanceWindow(raw);
            if (typeof w === "string") return { problem: w };
            const problem = maintenanceWindowProblem(cloud, w);
            return problem === undefined ? { value: w } : { problem };
        },
    };
}

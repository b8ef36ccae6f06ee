/**
 * Five-field cron expressions as a Kubernetes CronJob reads them, checked before anything is
 * deployed: the API server would otherwise reject the CronJob halfway through an update.
 *
 * The grammar is that of robfig/cron v3's standard parser, which the CronJob controller uses
 * (github.com/robfig/cron parser.go and spec.go, read 2026-12-01): per field a comma-separated list
 * of `*`, `N`, `N-M`, each optionally `/STEP` (`N/STEP` meaning N to the field's maximum), names
 * `JAN`-`DEC` and `SUN`-`SAT` in any case; day of week is 0-6, and 7 is refused, not a second
 * Sunday. Deliberately narrower than robfig: no `?`, no `@daily`-style descriptors and no
 * `TZ=`/`CRON_TZ=` prefix (Kubernetes refuses the prefix once `timeZone` is set; the platform's
 * CronJobs run in `Etc/UTC`).
 */

export interface CronField {
    name: string;
    min: number;
    max: number;
    names?: readonly string[];
}

export const CRON_FIELDS: readonly CronField[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

const EXPECTED = `five fields "minute hour day-of-month month day-of-week" in UTC, such as "0 3 * * *" (daily at 03:00)`;

/** The value of one number or name in `field`, or a problem. */
function fieldValue(token: string, field: CronField): number | string {
    const named = field.names?.indexOf(token.toLowerCase()) ?? -1;
    if (named >= 0) return named + field.min;
    if (!/^[0-9]+$/.test(token)) {
        const names = field.names ? ` or a name ${field.names[0].toUpperCase()}-${field.names[field.names.length - 1].toUpperCase()}` : "";
        return `${field.name} "${token}" is not a number${names}`;
    }
    const n = Number(token);
    if (n < field.min || n > field.max) return `${field.name} ${n} is out of range ${field.min}-${field.max}`;
    return n;
}

/** One comma-separated element of a field: `*`, `N`, `N-M`, optionally with `/STEP`. */
function rangeProblem(element: string, field: CronField): string | undefined {
    const parts = element.split("/");
    if (parts.length > 2) return `${field.name} "${element}" has more than one "/"`;
    const [range, step] = parts;
    if (step !== undefined && (!/^[0-9]+$/.test(step) || Number(step) === 0)) {
        return `${field.name} "${element}" has step "${step}"; expected a whole number of 1 or more`;
    }
    if (range === "*") return undefined;
    const bounds = range.split("-");
    if (bounds.length > 2 || bounds.some((b) => b === "")) return `${field.name} "${element}" is not N, N-M or *`;
    const values = bounds.map((b) => fieldValue(b, field));
    const problem = values.find((v) => typeof v === "string");
    if (problem !== undefined) return problem as string;
    if (values.length === 2 && (values[0] as number) > (values[1] as number)) {
        return `${field.name} range "${range}" starts after it ends`;
    }
    return undefined;
}

/**
 * Undefined when `expression` is a valid five-field schedule, else a message naming the value,
 * the bad field and what is allowed.
 */
export function validateCronSchedule(expression: string): string | undefined {
    const fields = expression.trim().split(/\s+/).filter((f) => f !== "");
    const fail = (why: string): string => `"${expression}" is not a valid schedule: ${why}; expected ${EXPECTED}`;
    if (/^(CRON_)?TZ=/.test(expression.trim())) return fail("a time zone prefix is not allowed (the schedule is always UTC)");
    if (expression.trim().startsWith("@")) return fail(`descriptors such as ${expression.trim().split(/\s/)[0]} are not accepted`);
    if (fields.length !== 5) return fail(`it has ${fields.length} field${fields.length === 1 ? "" : "s"}`);
    for (let i = 0; i < 5; i++) {
        for (const element of fields[i].split(",")) {
            if (element === "") return fail(`${CRON_FIELDS[i].name} "${fields[i]}" has an empty list element`);
            const problem = rangeProblem(element, CRON_FIELDS[i]);
            if (problem) return fail(problem);
        }
    }
    return undefined;
}

/**
 * Five-field cron expressions as the Kubernetes CronJob controller reads them (robfig/cron's standard
 * parser): minute hour day-of-month month day-of-week, each `*`, a number, a range `a-b`, a list
 * `a,b`, or a step `*\/n` / `a-b/n`. Month and weekday names and `@daily`-style macros are refused on
 * purpose: one spelling keeps stack files comparable.
 */
const FIELDS = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12 },
    { name: "day of week", min: 0, max: 6 },
] as const;

function fieldProblem(field: string, f: (typeof FIELDS)[number]): string | undefined {
    for (const part of field.split(",")) {
        const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
        if (!m) return `its ${f.name} field "${field}" is not a number, range, list or step`;
        const [, , lo, hi, step] = m;
        for (const n of [lo, hi].filter((x): x is string => x !== undefined).map(Number)) {
            if (n < f.min || n > f.max) return `its ${f.name} field "${field}" is outside ${f.min}-${f.max}`;
        }
        if (lo !== undefined && hi !== undefined && Number(lo) > Number(hi)) return `its ${f.name} field "${field}" has a range that runs backwards`;
        if (step !== undefined && Number(step) === 0) return `its ${f.name} field "${field}" has a step of 0`;
    }
    return undefined;
}

/** What is wrong with a five-field cron expression, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
    const fields = expression.trim().split(/\s+/);
    const expected = 'expected five fields "minute hour day-of-month month day-of-week" such as "0 3 * * *", or none';
    if (fields.length !== 5) return `"${expression}" is not valid: it has ${fields.length} field${fields.length === 1 ? "" : "s"}; ${expected}`;
    for (let i = 0; i < 5; i++) {
        const problem = fieldProblem(fields[i], FIELDS[i]);
        if (problem) return `"${expression}" is not valid: ${problem}; ${expected}`;
    }
    return undefined;
}

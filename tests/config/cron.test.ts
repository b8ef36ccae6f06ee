import * as assert from "node:assert/strict";
import { validateCronSchedule } from "../../config/cron";

const EXPECTED = 'expected five fields "minute hour day-of-month month day-of-week" in UTC, such as "0 3 * * *" (daily at 03:00)';

describe("validateCronSchedule", () => {
    it("accepts what the CronJob controller accepts: lists, ranges, steps, names in any case", () => {
        for (const good of [
            "0 3 * * *",
            "*/15 * * * *",
            "0 0-23/6 * * *",
            "5 4 1,15 * *",
            "0 2 * * MON-FRI",
            "0 2 * * sun",
            "0 1 1 jan,Jul *",
            "30 4 * * 0",
            "59 23 31 12 6",
            "10/20 * * * *",
            "  0   3 * * *  ",
        ]) {
            assert.equal(validateCronSchedule(good), undefined, good);
        }
    });

    const bad: Array<[string, string]> = [
        ["0 24 * * *", "hour 24 is out of range 0-23"],
        ["60 3 * * *", "minute 60 is out of range 0-59"],
        ["0 3 0 * *", "day of month 0 is out of range 1-31"],
        ["0 3 32 * *", "day of month 32 is out of range 1-31"],
        ["0 3 * 13 *", "month 13 is out of range 1-12"],
        // robfig/cron's day of week is 0-6: 7 is an error there, not Sunday.
        ["0 3 * * 7", "day of week 7 is out of range 0-6"],
        ["0 3 * * FUNDAY", 'day of week "FUNDAY" is not a number or a name SUN-SAT'],
        ["0 3 * JANUARY *", 'month "JANUARY" is not a number or a name JAN-DEC'],
        ["0 MON * * *", 'hour "MON" is not a number'],
        ["*/0 * * * *", 'minute "*/0" has step "0"; expected a whole number of 1 or more'],
        ["*/x * * * *", 'minute "*/x" has step "x"; expected a whole number of 1 or more'],
        ["1/2/3 * * * *", 'minute "1/2/3" has more than one "/"'],
        ["0 5-2 * * *", 'hour range "5-2" starts after it ends'],
        ["0 1-2-3 * * *", 'hour "1-2-3" is not N, N-M or *'],
        ["0 -1 * * *", 'hour "-1" is not N, N-M or *'],
        ["0 1,,2 * * *", 'hour "1,,2" has an empty list element'],
        ["0 3 ? * *", 'day of month "?" is not a number'],
        ["0 3 * *", "it has 4 fields"],
        ["0 0 3 * * *", "it has 6 fields"],
        ["", "it has 0 fields"],
        ["@daily", "descriptors such as @daily are not accepted"],
        ["CRON_TZ=Europe/Paris 0 3 * * *", "a time zone prefix is not allowed (the schedule is always UTC)"],
        ["TZ=UTC 0 3 * * *", "a time zone prefix is not allowed (the schedule is always UTC)"],
    ];
    for (const [expression, why] of bad) {
        it(`refuses "${expression}": ${why}`, () => {
            assert.equal(validateCronSchedule(expression), `"${expression}" is not a valid schedule: ${why}; ${EXPECTED}`);
        });
    }
});

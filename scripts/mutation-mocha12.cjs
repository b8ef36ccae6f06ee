/**
 * Preloaded (NODE_OPTIONS=--require) into StrykerJS and its workers by scripts/mutation.ts.
 *
 * Mocha 12 renamed its CLI internals to `.cjs` (lib/cli/run-helpers.cjs, options.cjs,
 * collect-files.cjs); @stryker-mutator/mocha-runner 10.1.1 still requires them without an
 * extension and fails to load ("Cannot find module .../mocha/lib/cli/run-helpers"). Upstream fix:
 * stryker-js pull request 6205 (open when checked, 2026-12-01). Until it is released, resolve
 * those extensionless requests to the `.cjs` file; nothing else is touched. Remove this file and
 * its use in scripts/mutation.ts once a mocha-runner release loads Mocha 12 on its own.
 */
"use strict";
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload: it patches require itself */
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");

const MOCHA_CLI = `${path.sep}mocha${path.sep}lib${path.sep}cli${path.sep}`;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    if (typeof request === "string" && request.includes(MOCHA_CLI) && path.extname(request) === "" && fs.existsSync(`${request}.cjs`)) {
        return resolve.call(this, `${request}.cjs`, ...rest);
    }
    return resolve.call(this, request, ...rest);
};

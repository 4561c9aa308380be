#!/usr/bin/env node
/**
 * The `aca-rollout` executable (package.json `bin`). Loads only the command-line parser up front; see
 * program.ts.
 */
import { processIo } from "./core/io.js";
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());

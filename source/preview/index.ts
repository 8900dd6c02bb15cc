/**
 * Previews of calls before approval: SQL dry runs on the local server (schema diff, rows affected, hazards) and
 * file diffs for Write and Edit.
 */
export {createPreviewer, UNAVAILABLE_SUMMARY} from './previewer.js';
export type {Previewer, PreviewerOptions, ServerToolResult} from './previewer.js';
export {CHECK_READ_ONLY_TOOL, formatDryRunError, parseDryRunReport, PREVIEW_TOOL, READ_ONLY_SQL_TOOL} from './dry-run-report.js';
export type {DryRunError, DryRunMode, DryRunRelation, DryRunReport} from './dry-run-report.js';
export {dryRunHazards, rowsText} from './schema-hazards.js';
export {measuredClassification} from './measured.js';
export {previewFromDryRun, roundTripDiff, summariseSchemaDiff, SCHEMA_AFTER, SCHEMA_BEFORE} from './sql-preview.js';
export {applyEdit, previewEdit, previewWrite} from './file-preview.js';
export {coloriseDiffLines, diffStat, unifiedDiff} from './unified-diff.js';
export type {DiffLine, DiffLineKind} from './unified-diff.js';

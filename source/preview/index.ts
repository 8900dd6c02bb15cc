/**
 * Previews of calls before approval: SQL dry runs on the local server (schema diff, rows affected, hazards) and
 * file diffs for Write and Edit.
 */

export type {DryRunError, DryRunMode, DryRunRelation, DryRunReport} from '../sql/preview-report.js';
export {CHECK_READ_ONLY_TOOL, formatDryRunError, PREVIEW_TOOL, parseDryRunReport, READ_ONLY_SQL_TOOL} from './dry-run-report.js';
export {applyEdit, previewEdit, previewWrite} from './file-preview.js';
export {measuredClassification} from './measured.js';
export type {Previewer, PreviewerOptions, ServerToolResult} from './previewer.js';
export {createPreviewer, UNAVAILABLE_SUMMARY} from './previewer.js';
export {dryRunHazards, rowsText} from './schema-hazards.js';
export {previewFromDryRun, roundTripDiff, SCHEMA_AFTER, SCHEMA_BEFORE, summariseSchemaDiff} from './sql-preview.js';
export type {DiffLine, DiffLineKind} from './unified-diff.js';
export {coloriseDiffLines, diffStat, unifiedDiff} from './unified-diff.js';

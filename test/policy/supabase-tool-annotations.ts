/**
 * Annotations of the official Supabase MCP server 0.13.0 (tools/list), copied from the shared reference
 * (supabase-mcp-tools.json): the ground truth for classifying its non-SQL tools.
 */
import type {ToolAnnotations} from '../../source/policy/classify-call.js';

export const SUPABASE_TOOL_ANNOTATIONS: Record<string, ToolAnnotations> = {
	search_docs: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	list_tables: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	list_extensions: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	list_migrations: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	apply_migration: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true},
	execute_sql: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true},
	query_logs: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	get_logs: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	get_advisors: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	get_project_url: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	get_publishable_keys: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	generate_typescript_types: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	list_edge_functions: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	get_edge_function: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	deploy_edge_function: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
	create_branch: {readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false},
	list_branches: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	delete_branch: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
	merge_branch: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
	reset_branch: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
	rebase_branch: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
	list_storage_buckets: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	get_storage_config: {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false},
	update_storage_config: {readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false},
};

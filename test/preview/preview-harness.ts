import type {CallPreview} from '../../source/core/events.js';
import {createPreviewer, type DryRunReport, PREVIEW_TOOL, type Previewer, parseDryRunReport} from '../../source/preview/index.js';
import type {SupabaseMcpServerOptions} from '../../source/supabase-local/server.js';
import {connectInMemory, type SupabaseMcpTestClient} from '../helpers/supabase-mcp-client.js';

export const SERVER = 'supabase';

/** The local server behind a real MCP client, and the app's previewer wired to it the way the tool host does. */
export type PreviewHarness = {
	client: SupabaseMcpTestClient;
	previewer: Previewer;
	/** The previewer's answer for an MCP SQL call. */
	preview(tool: 'apply_migration' | 'execute_sql', query: string): Promise<CallPreview>;
	/** The server's raw dry-run report. */
	dryRun(query: string, mode: 'migration' | 'sql', rollbackQuery?: string): Promise<DryRunReport>;
	close(): Promise<void>;
};

export async function startHarness(options: SupabaseMcpServerOptions): Promise<PreviewHarness> {
	const client = await connectInMemory(options);
	const {tools} = await client.client.listTools();
	const names = new Set(tools.map(t => t.name));
	const callServerTool = async (server: string, tool: string, args: Record<string, unknown>) => {
		if (server !== SERVER) throw new Error(`no server ${server}`);
		const result = await client.raw(tool, args);
		return {isError: result.isError === true, content: result.content.map(c => (c.type === 'text' ? c.text : '')).join('')};
	};
	const previewer = createPreviewer({
		callServerTool,
		hasServerTool: (server, tool) => server === SERVER && names.has(tool),
		workspaceRoot: options.workspace ?? process.cwd(),
	});
	let n = 0;
	return {
		client,
		previewer,
		async preview(tool, query) {
			const preview = await previewer(
				{callId: `call_${++n}`, name: `mcp__${SERVER}__${tool}`, input: {query, ...(tool === 'apply_migration' ? {name: 'preview_test'} : {})}},
				new AbortController().signal,
			);
			if (!preview) throw new Error('no preview');
			return preview;
		},
		async dryRun(query, mode, rollbackQuery) {
			const result = await callServerTool(SERVER, PREVIEW_TOOL, {query, mode, ...(rollbackQuery === undefined ? {} : {rollback_query: rollbackQuery})});
			if (result.isError) throw new Error(result.content);
			return parseDryRunReport(result.content);
		},
		close: () => client.close(),
	};
}

/** The schema every preview test starts from: a table with rows and RLS, an empty table, a view. */
export const FIXTURE_SQL = `
create table public.todos (
	id bigint generated always as identity primary key,
	title varchar(100) not null,
	done boolean not null default false,
	owner uuid,
	note text,
	code varchar(10)
);
alter table public.todos enable row level security;
create policy "own todos" on public.todos for select to authenticated using (auth.uid() = owner);
create table public.empty_things (id int primary key, name text);
create view public.open_todos as select id, title from public.todos where not done;
create table public.tags (id int primary key, todo_id bigint references public.todos (id) on delete cascade, label text);
insert into public.todos (title) select 'todo ' || g from generate_series(1, 20) g;
insert into public.tags select g, g, 'tag ' || g from generate_series(1, 5) g;
`;

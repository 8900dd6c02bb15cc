import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import {exportHtml, exportJson, exportMarkdown} from '../../source/transcripts/export.js';
import {readTranscript} from '../../source/transcripts/reader.js';
import {createRedactor} from '../../source/transcripts/redact.js';
import {REPO_ROOT} from '../helpers/paths.js';
import {stamp, testHeader} from '../helpers/transcript-events.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/transcripts/v1-basic.jsonl');
/** No secrets from the test machine's environment: the fixture must come out unchanged. */
const noEnv = createRedactor({env: {}});

const SECRET = 'hunter2-very-secret-value';
const tricky: EventBody[] = [
	{type: 'user_prompt_submitted', text: 'Show <script>alert("x")</script> & visit https://evil.example/x.js with ```fences```'},
	{
		type: 'assistant_message_completed',
		content: [{type: 'text', text: `Connecting with postgres://app:${SECRET}@db.local/shop`}],
		stopReason: 'tool_use',
		usage: {inputTokens: 1, outputTokens: 1},
	},
	{
		type: 'tool_call_requested',
		callId: 't',
		name: 'mcp__supabase__execute_sql',
		input: {query: "select '</pre><img src=x>' as a;"},
		classification: {class: 'read-only', hazards: []},
	},
	{type: 'tool_call_decided', callId: 't', decision: 'deny', by: 'user', feedback: 'no <b>thanks</b>'},
	{type: 'turn_completed', outcome: 'completed'},
];

describe('export', () => {
	it('writes JSON that parses back to the header and exactly the events', async () => {
		const {header, events} = await readTranscript(FIXTURE);
		const parsed = JSON.parse(exportJson(header, events, {redact: noEnv})) as {header: unknown; events: unknown[]};
		expect(parsed.header).toEqual(header);
		expect(parsed.events).toEqual(events);
		expect(JSON.parse(exportJson(header, [], {redact: noEnv}))).toEqual({header, events: []});
	});

	it('writes a Markdown record with prompts, answers, SQL in a sql fence, the decision and the result', async () => {
		const {header, events} = await readTranscript(FIXTURE);
		const md = exportMarkdown(header, events, {redact: noEnv, timeZone: 'UTC'});
		expect(md).toMatch(/^# pgpair session 0l2k9m4q\n/);
		expect(md).toContain('## Turn 1 · 2025-06-01 09:14:03\n\n> Orders by customer are slow. Add an index on orders.customer_id.');
		expect(md).toContain("I'll add a migration with the index.");
		expect(md).toContain('### Tool call `mcp__supabase__apply_migration` (write)');
		expect(md).toContain('```sql\ncreate index if not exists orders_customer_id_idx on public.orders (customer_id);\n```');
		expect(md).toContain('**Decision:** allowed by the user after 7.4s');
		expect(md).toContain('**Result** (38ms):\n\n```text\n{"success":true}\n```');
		expect(md).toContain('Done: `orders_customer_id_idx` is in place.');
		expect(md).toContain('1 tool call (1 allowed, 0 denied, 0 failed; 1 decided by the user)');
	});

	it('puts a recorded preview diff in a diff fence (md) and an escaped <pre> (html)', () => {
		const events = stamp([
			{type: 'tool_call_requested', callId: 'm', name: 'mcp__supabase__apply_migration', input: {query: 'alter table t add column c int;'}},
			{
				type: 'tool_call_previewed',
				callId: 'm',
				preview: {kind: 'schema', summary: '1 column added', diff: '-create table t ();\n+create table t (c int);', hazards: []},
			},
		]);
		expect(exportMarkdown(testHeader(), events, {redact: noEnv})).toContain(
			'*preview: 1 column added*\n\n```diff\n-create table t ();\n+create table t (c int);\n```',
		);
		expect(exportHtml(testHeader(), events, {redact: noEnv})).toContain(
			'<pre class="diff"><span class="removed">-create table t ();</span>\n<span class="added">+create table t (c int);</span></pre>',
		);
	});

	it('marks each line of an html diff by kind: file lines only before the first hunk, then `--- x` is a removed `-- x`', () => {
		const diff = '--- schema before\n+++ schema after\n@@ -1,2 +1,2 @@\n same <line>\n--- old <b>comment</b>\n+++ new comment';
		const events = stamp([
			{type: 'tool_call_requested', callId: 'm', name: 'mcp__supabase__apply_migration', input: {query: 'select 1;'}},
			{type: 'tool_call_previewed', callId: 'm', preview: {kind: 'schema', summary: 'comment changed', diff, hazards: []}},
		]);
		expect(exportHtml(testHeader(), events, {redact: noEnv})).toContain(
			[
				'<pre class="diff"><span class="hunk">--- schema before</span>',
				'<span class="hunk">+++ schema after</span>',
				'<span class="hunk">@@ -1,2 +1,2 @@</span>',
				' same &lt;line&gt;',
				'<span class="removed">--- old &lt;b&gt;comment&lt;/b&gt;</span>',
				'<span class="added">+++ new comment</span></pre>',
			].join('\n'),
		);
	});

	it("keeps pgpair's own look-ups on the record: a line in Markdown, folded with its SQL in html", () => {
		const events = stamp([
			{
				type: 'internal_call_completed',
				purpose: 'checklist',
				server: 'supabase',
				tool: 'execute_sql',
				input: {query: 'select 1 as one;'},
				isError: false,
				durationMs: 4,
			},
		]);
		expect(exportMarkdown(testHeader(), events, {redact: noEnv, timeZone: 'UTC'})).toMatch(
			/\n\*internal_call_completed \(purpose: checklist, server: supabase, tool: execute_sql, input: \{"query":"select 1 as one;"\}, isError: false, durationMs: 4\) at \d\d:\d\d:\d\d\.\*\n/,
		);
		expect(exportHtml(testHeader(), events, {redact: noEnv, timeZone: 'UTC'})).toMatch(
			/<details class="lookup"><summary>pgpair&#39;s own look-up for the checklist: supabase execute_sql, ran in 4ms, at \d\d:\d\d:\d\d<\/summary>\n<pre>select 1 as one;<\/pre><\/details>/,
		);
	});

	it('fences Markdown code with more backticks than the content has', () => {
		const md = exportMarkdown(testHeader(), stamp([{type: 'tool_call_requested', callId: 'x', name: 'n', input: {query: 'select 1; -- ```'}}]), {
			redact: noEnv,
		});
		expect(md).toContain('````sql\nselect 1; -- ```\n````');
	});

	it('writes one self-contained HTML page: inline CSS, no script, no external URL, everything escaped', async () => {
		const {header, events} = await readTranscript(FIXTURE);
		const html = exportHtml(header, events, {redact: noEnv, timeZone: 'UTC'});
		expect(html).toMatch(/^<!doctype html>/);
		expect(html).toContain('<style>');
		expect(html).toContain('<pre class="sql">create index if not exists orders_customer_id_idx on public.orders (customer_id);</pre>');
		expect(html).toContain('allowed by the user after 7.4s');
		expect(html).toContain('<pre class="result">{&quot;success&quot;:true}</pre>');
		expect(html).not.toMatch(/<script|https?:\/\/|<link|src=|href=/i);

		const hostile = exportHtml(testHeader(), stamp(tricky), {redact: noEnv});
		// Every `<` of the content is escaped, so no tag of it survives…
		expect(hostile).not.toMatch(/<script|<img|<b>/i);
		expect(hostile).toContain('Show &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; visit https://evil.example/x.js');
		expect(hostile).toContain('select &#39;&lt;/pre&gt;&lt;img src=x&gt;&#39; as a;');
		expect(hostile).toContain('no &lt;b&gt;thanks&lt;/b&gt;');
		// …and the only URL and `src=` are inside escaped text, never in the markup.
		const markup = hostile.replaceAll(/>[^<]*</g, '><');
		expect(markup).not.toMatch(/https?:|src=|href=/i);
	});

	it('redacts secrets in every format before output', () => {
		const events = stamp(tricky);
		const redact = createRedactor({env: {}, extraSecrets: ['Show']});
		for (const text of [
			exportJson(testHeader(), events, {redact}),
			exportMarkdown(testHeader(), events, {redact}),
			exportHtml(testHeader(), events, {redact}),
		]) {
			expect(text).not.toContain(SECRET);
			expect(text).toContain('[REDACTED:url-password]');
			expect(text).not.toContain('Show &lt;');
			expect(text).toContain('[REDACTED:secret]');
		}
	});
});

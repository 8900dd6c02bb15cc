import {render} from 'ink-testing-library';
import type React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import type {CallPreview} from '../../source/core/events.js';
import {DiffHistory} from '../../source/ui/diff-history.js';
import {DiffView, previewBodyLines, previewLineCount, previewMaxScroll} from '../../source/ui/diff-view.js';
import {THEME} from '../../source/ui/theme.js';
import {waitFor} from '../helpers/wait-for.js';

const KEY = {right: '\u001B[C', left: '\u001B[D', down: '\u001B[B', escape: '\u001B', pageDown: '\u001B[6~'};

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

function show(node: React.ReactElement) {
	const view = render(node);
	views.push(view);
	return {view, frame: () => view.lastFrame() ?? ''};
}

/** A schema diff with `n` added columns. */
function longPreview(n: number, extra: Partial<CallPreview> = {}): CallPreview {
	const added = Array.from({length: n}, (_, i) => `+column public.t.c${i + 1} integer`).join('\n');
	return {
		kind: 'schema',
		summary: `schema change: ${n} columns added`,
		diff: `--- schema before\n+++ schema after\n@@ -1,1 +1,${n + 1} @@\n table public.t (rls on, force off)\n${added}\n`,
		hazards: ['exclusive lock: ACCESS EXCLUSIVE on public.t blocks its readers and writers until the change commits'],
		...extra,
	};
}

const rowsOf = (frame: string) => frame.split('\n');

describe('DiffView', () => {
	it('keeps the summary and hazards and shows a window of the diff within its row budget', () => {
		const preview = longPreview(40);
		const {frame} = show(<DiffView preview={preview} maxRows={10} scroll={0} width={100} />);
		const rows = rowsOf(frame());
		expect(rows.length).toBeLessThanOrEqual(10);
		expect(rows[0]).toBe('schema change: 40 columns added');
		// The hazard is 101 columns: it wraps onto a second, indented row rather than losing its end.
		expect(rows[1]).toContain('⚠ exclusive lock: ACCESS EXCLUSIVE on public.t');
		expect(`${rows[1]} ${rows[2]!.trim()}`.replace(/\s+/g, ' ')).toContain('until the change commits');
		expect(frame()).toContain('--- schema before');
		expect(frame()).not.toContain('c40 integer');
		expect(rows.at(-1)).toBe(`lines 1–6 of ${previewLineCount(preview, 100)} · j/k PgUp/PgDn scroll`);
		expect(rows.every(row => row.length <= 100)).toBe(true);
	});

	it('scrolls with the parent’s offset and clamps it at the end', () => {
		const preview = longPreview(40);
		const max = previewMaxScroll(preview, 10);
		expect(max).toBe(previewLineCount(preview) - 7);
		const {frame} = show(<DiffView preview={preview} maxRows={10} scroll={max + 50} width={100} />);
		expect(frame()).toContain('+column public.t.c40 integer');
		expect(frame()).not.toContain('--- schema before');
		expect(rowsOf(frame()).length).toBeLessThanOrEqual(10);
	});

	it('colours additions green, removals red and hunk headers cyan', () => {
		const lines = previewBodyLines({kind: 'schema', summary: 's', hazards: [], diff: '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n'});
		expect(lines.map(l => [l.text, l.color])).toEqual([
			['--- a', THEME.dim],
			['+++ b', THEME.dim],
			['@@ -1 +1 @@', 'cyan'],
			['-old', THEME.error],
			['+new', THEME.ok],
		]);
	});

	it('shows a failed dry run in red as something that cannot be approved as is', () => {
		const {frame} = show(
			<DiffView
				preview={{kind: 'schema', summary: 'dry run failed', hazards: [], error: 'ERROR 23502: column "x" contains null values'}}
				maxRows={5}
				scroll={0}
				width={100}
			/>,
		);
		expect(frame()).toContain('✖ ERROR 23502: column "x" contains null values · cannot be approved as is');
	});

	it('shows rows affected with an aligned table of samples', () => {
		const preview: CallPreview = {
			kind: 'rows',
			summary: 'would delete 12 rows in public.todos',
			hazards: ['data deleted: 12 rows deleted from public.todos'],
			rows: [
				{
					table: 'public.todos',
					operation: 'delete',
					count: 12,
					sample: [
						{id: 1, title: 'buy milk'},
						{id: 22, title: 'a very long title that will not fit in a cell'},
					],
				},
			],
		};
		const {frame} = show(<DiffView preview={preview} maxRows={12} scroll={0} width={100} />);
		const rows = rowsOf(frame());
		expect(rows).toContain('delete 12 rows in public.todos');
		expect(rows).toContain('  id │ title');
		expect(rows).toContain('  1  │ buy milk');
		expect(rows).toContain('  22 │ a very long title…');
		expect(rows).toContain('  … and 10 more');
	});

	it('moves hazards beyond the pinned ones into the body instead of dropping them', () => {
		const hazards = Array.from({length: 6}, (_, i) => `hazard ${i + 1}`);
		const preview: CallPreview = {kind: 'schema', summary: 's', hazards};
		expect(previewLineCount(preview)).toBe(2);
		const {frame} = show(<DiffView preview={preview} maxRows={20} scroll={0} width={80} />);
		for (const hazard of hazards) expect(frame()).toContain(`⚠ ${hazard}`);
		expect(frame()).toContain('⚠ 2 more hazards below');
	});
});

describe('DiffHistory', () => {
	const previews = [
		{callId: 'a', name: 'mcp__supabase__apply_migration', preview: longPreview(3, {summary: 'first preview'}), at: 1_000},
		{
			callId: 'b',
			name: 'Edit',
			preview: {kind: 'file' as const, summary: 'second preview', hazards: [], diff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-1\n+2\n'},
			at: 2_000,
		},
	];

	it('lists previews newest first, moves with → and ←, and closes with Esc', async () => {
		let closed = false;
		const {view, frame} = show(<DiffHistory previews={previews} width={100} height={20} onClose={() => (closed = true)} formatTime={at => `t${at}`} />);
		expect(frame()).toContain('1 of 2, newest first');
		expect(frame()).toMatch(/▸ t2000 Edit second preview/);
		expect(frame()).toContain('+2');
		view.stdin.write(KEY.right);
		await waitFor(() => /▸ t1000 apply_migration first preview/.test(frame()), `older entry selected\n${frame()}`, 3000);
		expect(frame()).toContain('+column public.t.c3 integer');
		view.stdin.write(KEY.left);
		await waitFor(() => /▸ t2000 Edit/.test(frame()), `newer entry selected\n${frame()}`, 3000);
		view.stdin.write(KEY.escape);
		await waitFor(() => closed, 'onClose', 3000);
	});

	it('scrolls the selected diff with j/k, as the approval pane does, and with PgDn', async () => {
		const {view, frame} = show(
			<DiffHistory previews={[{callId: 'x', name: 'Write', preview: longPreview(40), at: 0}]} width={100} height={14} onClose={() => {}} />,
		);
		expect(frame()).toContain('--- schema before');
		view.stdin.write('j');
		await waitFor(() => !frame().includes('--- schema before'), `scrolled down a line\n${frame()}`, 3000);
		expect(frame()).toContain('1 of 1');
		view.stdin.write('k');
		await waitFor(() => frame().includes('--- schema before'), `scrolled back up\n${frame()}`, 3000);
		view.stdin.write(KEY.pageDown);
		await waitFor(() => !frame().includes('--- schema before'), `scrolled\n${frame()}`, 3000);
		expect(rowsOf(frame()).length).toBeLessThanOrEqual(14);
	});

	it('says so when there is nothing to show yet', () => {
		const {frame} = show(<DiffHistory previews={[]} width={80} height={10} onClose={() => {}} />);
		expect(frame()).toContain('No previews yet');
	});
});

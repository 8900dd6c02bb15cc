import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionSummary} from '../../source/transcripts/reader.js';
import {SessionPicker} from '../../source/ui/replay/session-picker.js';
import {waitFor} from '../helpers/wait-for.js';

const KEY = {up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B'};

function sessions(count: number): SessionSummary[] {
	return Array.from({length: count}, (_, i) => ({
		id: `id${String(i).padStart(4, '0')}`,
		path: `/s/${i}.jsonl`,
		createdAt: new Date(Date.UTC(2025, 5, 30) - i * 3_600_000).toISOString(),
		cwd: '/home/dev/shop',
		agent: {name: 'backend-engineer', source: 'builtin', model: 'm'},
		firstPrompt: `prompt number ${i}`,
		turns: i,
		approvals: {allowed: 1, denied: 0},
		durationMs: 90_000,
		sizeBytes: 5000,
	}));
}

const views: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const view of views.splice(0)) view.unmount();
});

function open(list: SessionSummary[]) {
	const chosen: string[] = [];
	let cancelled = false;
	const view = render(
		<SessionPicker sessions={list} onChoose={s => chosen.push(s.id)} onCancel={() => (cancelled = true)} size={{columns: 100, rows: 12}} timeZone="UTC" />,
	);
	views.push(view);
	const press = async (keys: string, expected: string) => {
		view.stdin.write(keys);
		await waitFor(() => view.lastFrame()?.includes(expected), `"${expected}" after ${JSON.stringify(keys)}\n${view.lastFrame()}`, 3000);
	};

	return {view, press, chosen, cancelled: () => cancelled};
}

describe('the session picker', () => {
	it('moves with ↓ and ↑ and returns the chosen id on Enter', async () => {
		const {view, press, chosen} = await open(sessions(3));
		expect(view.lastFrame()).toContain('› 2025-06-30 00:00  id0000  backend-engineer  prompt number 0');
		await press(KEY.down, '› 2025-06-29 23:00  id0001');
		await press(KEY.down, '(3 of 3');
		await press(KEY.down, '(3 of 3');
		await press(KEY.up, '(2 of 3');
		expect(view.lastFrame()).toContain('1 turn · 1 allowed · 1m 30s · 4.9 KB · /home/dev/shop');
		view.stdin.write(KEY.enter);
		await waitFor(() => chosen.length === 1, 'a choice');
		expect(chosen).toEqual(['id0001']);
	});

	it('scrolls a long list so the selection stays in view', async () => {
		const {view, press} = await open(sessions(50));
		expect(view.lastFrame()).not.toContain('id0030');
		for (let i = 0; i < 30; i++) await press(KEY.down, `(${i + 2} of 50`);
		expect(view.lastFrame()).toContain('› 2025-06-28 18:00  id0030');
		expect(view.lastFrame()).not.toContain('id0000');
		await press('G', '(50 of 50');
		await press('g', '(1 of 50');
	});

	it('cancels with Esc', async () => {
		const {view, cancelled} = await open(sessions(2));
		view.stdin.write(KEY.escape);
		await waitFor(() => cancelled(), 'the cancel callback');
	});
});

import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {type CommandIo, runExport, runReplay, runSessions} from '../../source/cli/replay-commands.js';
import {renderSessionsTable} from '../../source/replay/sessions-table.js';
import {transcriptFileName} from '../../source/transcripts/format.js';
import type {SessionSummary} from '../../source/transcripts/reader.js';
import {openTranscript} from '../../source/transcripts/writer.js';
import {REPO_ROOT, tempWorkspace} from '../helpers/paths.js';
import {sessionEvents, testHeader} from '../helpers/transcript-events.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/transcripts/v1-basic.jsonl');
const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/transcripts/v1-basic.print.txt');

const dir = tempWorkspace('pgpair-replay-commands-');
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

function io(options: {tty?: boolean; columns?: number} = {}): CommandIo & {out: () => string; err: () => string} {
	let out = '';
	let err = '';
	return {
		cwd: dir,
		env: {TZ: 'UTC'},
		stdout: {write: (text: string) => (out += text), isTTY: options.tty ?? false, ...(options.columns ? {columns: options.columns} : {})},
		stderr: {write: (text: string) => (err += text)},
		out: () => out,
		err: () => err,
	};
}

function writeSession(id: string, createdAt: string, prompt: string, events = 30): string {
	const file = path.join(dir, 'sessions', transcriptFileName(new Date(createdAt), id));
	const writer = openTranscript(file, testHeader({sessionId: id, createdAt: new Date(createdAt), cwd: dir}));
	for (const event of sessionEvents(events)) writer.append(event.type === 'user_prompt_submitted' ? {...event, text: `${prompt} ${event.seq}`} : event);
	writer.close();
	return file;
}

writeSession('aaaaa001', '2025-06-01T09:00:00Z', 'Add an index on orders');
writeSession('bbbbb002', '2025-06-03T10:30:00Z', 'Enable RLS on todos', 120);
writeSession('ccccc003', '2025-06-02T08:15:00Z', 'List my tables');

describe('pgpair replay', () => {
	it('--print renders the fixture as the golden text (the CI check)', async () => {
		const run = io();
		expect(await runReplay(['--print', FIXTURE], run)).toBe(0);
		expect(run.out()).toBe(fs.readFileSync(GOLDEN, 'utf8'));
		expect(run.err()).toBe('');
	});

	it('prints instead of opening the TUI when stdout is not a terminal, and finds sessions by id prefix', async () => {
		const run = io({tty: false});
		expect(await runReplay(['bbbbb', '--sessions-dir', 'sessions'], run)).toBe(0);
		expect(run.out()).toMatch(/^pgpair session bbbbb002\n/);
		expect(run.out()).toContain('> Enable RLS on todos 1');
	});

	it('keeps colours only with --color', async () => {
		const run = io();
		expect(await runReplay(['--print', '--color', FIXTURE], run)).toBe(0);
		expect(run.out()).toMatch(/\u001B\[/);
	});

	it('fails with a message for an unknown session and with usage for bad flags', async () => {
		const missing = io();
		expect(await runReplay(['zzzz', '--print'], missing)).toBe(1);
		expect(missing.err()).toMatch(/no session matching "zzzz"/);
		const usage = io();
		expect(await runReplay(['--bogus'], usage)).toBe(2);
		expect(usage.err()).toContain('pgpair replay <file|id>');
		const none = io();
		expect(await runReplay([], none)).toBe(2);
	});
});

describe('pgpair sessions', () => {
	it('lists sessions newest first with date, id, agent, turns, approvals, duration, size and first prompt', async () => {
		const run = io({columns: 140});
		expect(await runSessions(['--sessions-dir', 'sessions'], run)).toBe(0);
		const lines = run.out().trimEnd().split('\n');
		expect(lines[0]).toMatch(/^DATE\s+ID\s+AGENT\s+TURNS\s+APPROVALS\s+DURATION\s+SIZE\s+FIRST PROMPT$/);
		expect(lines.slice(1).map(line => line.split(/\s+/)[2])).toEqual(['bbbbb002', 'ccccc003', 'aaaaa001']);
		expect(lines[1]).toMatch(/^2025-06-03 10:30\s+bbbbb002\s+backend-engineer\s+3\s+3 allowed\s+\S+\s+\d/);
		expect(lines[1]).toContain('Enable RLS on todos 1');
		expect(lines.every(line => line.length <= 140)).toBe(true);
	});

	it('prints the summaries as JSON with --json', async () => {
		const run = io();
		expect(await runSessions(['--json', '--sessions-dir', 'sessions'], run)).toBe(0);
		const parsed = JSON.parse(run.out()) as SessionSummary[];
		expect(parsed.map(s => s.id)).toEqual(['bbbbb002', 'ccccc003', 'aaaaa001']);
	});

	it('says so when there are no sessions', async () => {
		const run = io();
		expect(await runSessions(['--sessions-dir', 'nothing-here'], run)).toBe(0);
		expect(run.out()).toBe('No saved sessions.\n');
	});

	it('cuts the first prompt to the width and keeps the table newest first whatever the input order', () => {
		const base: SessionSummary = {
			id: 'x',
			path: '/x',
			createdAt: '2025-01-01T00:00:00Z',
			cwd: '/',
			agent: {name: 'a', source: 's', model: 'm'},
			firstPrompt: 'p'.repeat(300),
			turns: 1,
			approvals: {allowed: 0, denied: 0},
			durationMs: 65_000,
			sizeBytes: 2048,
		};
		const table = renderSessionsTable([base, {...base, id: 'y', createdAt: '2025-02-01T00:00:00Z', firstPrompt: undefined}], {width: 80, timeZone: 'UTC'});
		const lines = table.trimEnd().split('\n');
		expect(lines[1]).toContain(' y ');
		expect(lines[1]).toContain('(no prompt)');
		expect(lines[2]).toMatch(/p…$/);
		expect(lines[2]).toContain('1m 05s');
		expect(lines[2]).toContain('2.0 KB');
		expect(lines.every(line => line.length <= 80)).toBe(true);
	});
});

describe('pgpair export', () => {
	it('writes md to stdout by default and html / json to a file with --output', async () => {
		const md = io();
		expect(await runExport([FIXTURE], md)).toBe(0);
		expect(md.out()).toMatch(/^# pgpair session 0l2k9m4q/);

		const html = io();
		expect(await runExport(['aaaaa', '--format', 'html', '--output', 'out.html', '--sessions-dir', 'sessions'], html)).toBe(0);
		expect(html.out()).toBe('');
		expect(html.err()).toContain('wrote out.html');
		expect(fs.readFileSync(path.join(dir, 'out.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*Add an index on orders 1/);

		const json = io();
		expect(await runExport(['ccccc003', '--format', 'json', '--sessions-dir', 'sessions'], json)).toBe(0);
		expect((JSON.parse(json.out()) as {header: {sessionId: string}}).header.sessionId).toBe('ccccc003');
	});

	it('rejects an unknown format with usage', async () => {
		const run = io();
		expect(await runExport([FIXTURE, '--format', 'pdf'], run)).toBe(2);
		expect(run.err()).toContain('--format must be md, json, html');
	});
});

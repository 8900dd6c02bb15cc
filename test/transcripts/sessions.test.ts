import {appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {EventBody} from '../../source/core/events.js';
import {newSessionId, sessionIdTime, transcriptFileName} from '../../source/transcripts/format.js';
import {
	FIRST_PROMPT_CHARS,
	findSession,
	latestSession,
	listSessions,
	listTranscripts,
	listWorkspaceSessions,
	NewestSessionUnreadableError,
	recentPrompts,
} from '../../source/transcripts/reader.js';
import {createRedactor} from '../../source/transcripts/redact.js';
import {openTranscript} from '../../source/transcripts/writer.js';
import {testHeader, turnBodies} from '../helpers/transcript-events.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'pgpair-sessions-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

/** Writes a session started at `start` with `bodies` one second apart; returns its path. */
function writeSession(id: string, start: string, bodies: EventBody[], cwd = '/home/dev/shop'): string {
	const createdAt = new Date(start);
	const path = join(dir, transcriptFileName(createdAt, id));
	const writer = openTranscript(path, testHeader({sessionId: id, cwd, createdAt}), {redact: createRedactor({env: {}})});
	for (const [i, body] of bodies.entries()) writer.append({...body, seq: i + 1, at: createdAt.getTime() + (i + 1) * 1000} as never);
	writer.close();
	return path;
}

const denied: EventBody[] = [
	{type: 'user_prompt_submitted', text: 'drop the legacy table'},
	{type: 'tool_call_requested', callId: 'c1', name: 'mcp__supabase__execute_sql', input: {query: 'drop table legacy'}},
	{type: 'tool_call_decided', callId: 'c1', decision: 'deny', by: 'user', feedback: 'not yet'},
	{type: 'tool_call_requested', callId: 'c2', name: 'mcp__supabase__list_tables', input: {}},
	{type: 'tool_call_decided', callId: 'c2', decision: 'allow', by: 'rule'},
	{type: 'turn_completed', outcome: 'completed'},
];

describe('listSessions', () => {
	it('summarises each session, newest first', async () => {
		const older = writeSession('aaaa0001', '2025-06-01T09:00:00Z', [...turnBodies(1, 3), ...turnBodies(2, 3)]);
		const newer = writeSession('aaaa0002', '2025-06-02T09:00:00Z', denied);

		const sessions = await listSessions(dir);
		expect(sessions.map(s => s.id)).toEqual(['aaaa0002', 'aaaa0001']);
		expect(sessions[0]).toEqual({
			id: 'aaaa0002',
			path: newer,
			createdAt: '2025-06-02T09:00:00.000Z',
			cwd: '/home/dev/shop',
			agent: testHeader().agent,
			firstPrompt: 'drop the legacy table',
			turns: 1,
			// The person's deny and a rule's allow: decisions, whoever took them.
			approvals: {allowed: 1, denied: 1},
			durationMs: 6000,
			sizeBytes: statSync(newer).size,
		});
		expect(sessions[1]).toMatchObject({
			path: older,
			firstPrompt: 'Turn 1: please orders table needs an index on customer_id so lookups stay fast and',
			turns: 2,
			approvals: {allowed: 2, denied: 0},
		});
	});

	it('is not fooled by event type names inside text', async () => {
		writeSession('bbbb0001', '2025-06-01T09:00:00Z', [
			{type: 'user_prompt_submitted', text: 'grep for "user_prompt_submitted" and "tool_call_decided" please'},
			{type: 'tool_call_completed', callId: 'x', isError: false, content: '{"type":"user_prompt_submitted","text":"nested"}', durationMs: 1},
			{type: 'tool_call_requested', callId: 'y', name: 'Write', input: {type: 'tool_call_decided', by: 'user'}},
		]);
		const [summary] = await listSessions(dir);
		expect(summary).toMatchObject({turns: 1, approvals: {allowed: 0, denied: 0}});
	});

	it('cuts long first prompts, survives a torn last line, and counts an empty session', async () => {
		const torn = writeSession('cccc0001', '2025-06-01T09:00:00Z', [
			{type: 'user_prompt_submitted', text: 'x'.repeat(1000)},
			{type: 'turn_completed', outcome: 'completed'},
		]);
		appendFileSync(torn, '{"type":"user_prompt_submitted","text":"half');
		writeSession('cccc0002', '2025-06-01T08:00:00Z', []);

		const [first, empty] = await listSessions(dir);
		expect(first?.firstPrompt).toHaveLength(FIRST_PROMPT_CHARS);
		expect(first?.firstPrompt?.endsWith('…')).toBe(true);
		expect(first).toMatchObject({turns: 1, durationMs: 2000});
		expect(empty).toMatchObject({id: 'cccc0002', firstPrompt: undefined, turns: 0, approvals: {allowed: 0, denied: 0}, durationMs: 0});
	});

	it('ignores other files and a missing directory, and lists each unreadable transcript with the reason', async () => {
		writeSession('dddd0001', '2025-06-01T09:00:00Z', denied);
		writeFileSync(join(dir, 'notes.txt'), 'hello');
		writeFileSync(join(dir, '2025-06-01-broken.jsonl'), 'not json\n');
		writeFileSync(join(dir, '2025-06-02-empty.jsonl'), '');
		writeFileSync(join(dir, '2025-06-03-future.jsonl'), `${JSON.stringify({...testHeader({sessionId: 'future'}), version: 99})}\n`);
		mkdirSync(join(dir, '2025-06-01-adir.jsonl'));
		expect((await listSessions(dir)).map(s => s.id)).toEqual(['dddd0001']);
		const {sessions, unreadable} = await listTranscripts(dir);
		expect(sessions.map(s => s.id)).toEqual(['dddd0001']);
		expect(unreadable.map(({id, reason, sizeBytes}) => ({id, reason, sizeBytes}))).toEqual([
			{id: 'future', reason: expect.stringMatching(/version 99/), sizeBytes: statSync(join(dir, '2025-06-03-future.jsonl')).size},
			{id: 'empty', reason: 'not a pgpair transcript: the file is empty', sizeBytes: 0},
			{id: 'broken', reason: 'not a pgpair transcript: the first line is not JSON', sizeBytes: 9},
			{id: 'adir', reason: 'a directory, not a file', sizeBytes: undefined},
		]);
		// Dated by the name: the day, or the minute an id of pgpair's tells.
		expect(unreadable[0]?.startedAt).toBe(new Date('2025-06-03T00:00:00').getTime());
		expect(await listTranscripts(join(dir, 'missing'))).toEqual({sessions: [], unreadable: []});
	});
});

describe('findSession', () => {
	beforeEach(() => {
		writeSession('k3x9ab12', '2025-06-01T09:00:00Z', denied);
		writeSession('k3x9cd34', '2025-06-01T10:00:00Z', denied);
		writeSession('m7p2ef56', '2025-06-02T09:00:00Z', denied);
	});

	it('resolves a unique id prefix', async () => {
		expect((await findSession(dir, 'm7')).id).toBe('m7p2ef56');
		expect((await findSession(dir, 'k3x9c')).id).toBe('k3x9cd34');
		expect((await findSession(dir, 'k3x9ab12')).id).toBe('k3x9ab12');
	});

	it('resolves a path or a file name', async () => {
		const name = transcriptFileName(new Date('2025-06-02T09:00:00Z'), 'm7p2ef56');
		expect((await findSession(dir, join(dir, name))).id).toBe('m7p2ef56');
		expect((await findSession(dir, name)).id).toBe('m7p2ef56');
	});

	it('explains an ambiguous or unknown id', async () => {
		await expect(findSession(dir, 'k3x9')).rejects.toThrow(/"k3x9" matches 2 sessions .*type more of the id/);
		await expect(findSession(dir, 'zzz')).rejects.toThrow(/no session matching "zzz"/);
		await expect(findSession(dir, './nope.jsonl')).rejects.toThrow(/no transcript at/);
		await expect(findSession(dir, ' ')).rejects.toThrow(/no session id/);
	});
});

describe('latestSession', () => {
	it('refuses to stand in an older session for a newer one it cannot read, and names both', async () => {
		const older = writeSession(newSessionId(Date.parse('2025-06-01T09:00:00Z')), '2025-06-01T09:00:00Z', denied, '/home/dev/shop');
		const id = newSessionId(Date.parse('2025-06-02T09:00:00Z'));
		const newer = join(dir, transcriptFileName(new Date('2025-06-02T09:00:00Z'), id));
		writeFileSync(newer, '{"kind":"pgpair-transcript","vers');
		const refused = await latestSession(dir, '/home/dev/shop').catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(NewestSessionUnreadableError);
		const {newest, older: before, message} = refused as NewestSessionUnreadableError;
		expect(newest).toMatchObject({
			id,
			path: newer,
			reason: 'not a pgpair transcript: the first line is not JSON',
			startedAt: Date.parse('2025-06-02T09:00:00Z'),
		});
		expect(before?.path).toBe(older);
		expect(message).toBe(`the newest session in ${dir}, ${basename(newer)}, cannot be read: not a pgpair transcript: the first line is not JSON`);

		// Older than the session it would continue: nothing to refuse.
		rmSync(newer);
		writeFileSync(join(dir, transcriptFileName(new Date('2025-05-01T09:00:00Z'), newSessionId(Date.parse('2025-05-01T09:00:00Z')))), '');
		expect((await latestSession(dir, '/home/dev/shop'))?.path).toBe(older);
	});

	it('picks the newest session started in the given directory', async () => {
		writeSession('aaaa0001', '2025-06-01T09:00:00Z', denied, '/home/dev/shop');
		writeSession('aaaa0002', '2025-06-03T09:00:00Z', denied, '/home/dev/shop');
		writeSession('aaaa0003', '2025-06-04T09:00:00Z', denied, '/home/dev/other');
		expect((await latestSession(dir, '/home/dev/shop/'))?.id).toBe('aaaa0002');
		expect((await latestSession(dir, '/home/dev/other'))?.id).toBe('aaaa0003');
		expect(await latestSession(dir, '/elsewhere')).toBeUndefined();
	});
});

describe('recentPrompts', () => {
	const prompts = (...texts: string[]): EventBody[] =>
		texts.flatMap(text => [{type: 'user_prompt_submitted', text} as EventBody, {type: 'turn_completed', outcome: 'completed'} as EventBody]);

	it('gives the prompts of this folder’s sessions, oldest first, without the session that asks', async () => {
		// Written out of order: sessions are ordered by their headers' start, not by file name.
		writeSession('bbbb0002', '2025-06-02T09:00:00Z', prompts('second day', 'second day again'));
		writeSession('bbbb0001', '2025-06-01T09:00:00Z', prompts('first day'));
		writeSession('bbbb0003', '2025-06-03T09:00:00Z', prompts('another project'), '/home/dev/other');
		const current = writeSession('bbbb0004', '2025-06-04T09:00:00Z', prompts('this session'));
		writeFileSync(join(dir, '2025-06-05-zzzz9999.jsonl'), 'not a transcript\n');
		expect(await recentPrompts(dir, '/home/dev/shop', {exclude: current})).toEqual(['first day', 'second day', 'second day again']);
	});

	it('keeps the most recent `limit` and stops reading older sessions once it has them', async () => {
		writeSession('cccc0001', '2025-06-01T09:00:00Z', prompts('old 1', 'old 2'));
		writeSession('cccc0002', '2025-06-02T09:00:00Z', prompts('new 1', 'new 2', 'new 3'));
		expect(await recentPrompts(dir, '/home/dev/shop', {limit: 4})).toEqual(['old 2', 'new 1', 'new 2', 'new 3']);
		expect(await recentPrompts(dir, '/home/dev/shop', {limit: 3})).toEqual(['new 1', 'new 2', 'new 3']);
		expect(await recentPrompts(dir, '/home/dev/shop', {maxFiles: 1})).toEqual(['new 1', 'new 2', 'new 3']);
	});

	it('recalls a prompt as the transcript holds it: a secret in it stays redacted', async () => {
		const path = join(dir, transcriptFileName(new Date('2025-06-01T09:00:00Z'), 'dddd0001'));
		const writer = openTranscript(path, testHeader({sessionId: 'dddd0001', cwd: '/home/dev/shop', createdAt: new Date('2025-06-01T09:00:00Z')}), {
			redact: createRedactor({env: {ANTHROPIC_API_KEY: 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789'}}),
		});
		writer.append({type: 'user_prompt_submitted', text: 'my key is sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789', seq: 1, at: 1} as never);
		writer.close();
		const [recalled] = await recentPrompts(dir, '/home/dev/shop');
		expect(recalled).toContain('my key is');
		expect(recalled).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
	});

	it('finds nothing in a folder that does not exist', async () => {
		expect(await recentPrompts(join(dir, 'missing'), '/home/dev/shop')).toEqual([]);
	});
});

describe('listWorkspaceSessions', () => {
	it("lists this workspace's sessions newest first, leaves other workspaces' out, and lists an unreadable file with its reason", async () => {
		writeSession('aaaa0001', '2025-06-01T09:00:00Z', turnBodies(1, 3));
		writeSession('aaaa0003', '2025-06-03T09:00:00Z', denied);
		writeSession('aaaa0004', '2025-06-04T09:00:00Z', denied, '/home/dev/other-project');
		// A file whose header is damaged: its id still says when it started (newSessionId's time part).
		const id = newSessionId(Date.parse('2025-06-02T09:00:00Z'));
		const broken = join(dir, transcriptFileName(new Date('2025-06-02T09:00:00Z'), id));
		writeFileSync(broken, '{"kind":"pgpair-transcript","vers\n');

		const listings = await listWorkspaceSessions(dir, '/home/dev/shop');
		expect(listings.map(l => (l.kind === 'readable' ? l.summary.id : `unreadable ${l.id}`))).toEqual(['aaaa0003', `unreadable ${id}`, 'aaaa0001']);
		expect(listings[1]).toEqual({
			kind: 'unreadable',
			id,
			path: broken,
			startedAt: Date.parse('2025-06-02T09:00:00Z'),
			error: 'not a pgpair transcript: the first line is not JSON',
		});
		expect(sessionIdTime('not-an-id')).toBeUndefined();
		expect(await listWorkspaceSessions(join(dir, 'missing'), '/home/dev/shop')).toEqual([]);
	});
});

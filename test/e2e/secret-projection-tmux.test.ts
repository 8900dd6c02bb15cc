/**
 * One redaction, everywhere: secrets streamed one or two characters at a time are redacted once, when the event is
 * committed, so the live screen, the transcript, every export and both replays show the very same redacted line —
 * not merely "no secret", but the same words around the same markers. Built CLI, real terminal (tmux).
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionEvent} from '../../source/core/events.js';
import {BUILT_CLI, tempWorkspace} from '../helpers/paths.js';
import {quitPgpair, startTmux, type TmuxSession} from '../helpers/tmux.js';

const terminals: TmuxSession[] = [];
afterEach(() => {
	for (const terminal of terminals.splice(0)) terminal.kill();
});

const API_KEY = 'sk-ant-api03-Qm4_tR8nV2xZ6bD0fH3jK7pS9wY1cE5gI8lN2oU4-BBBB';
const DB_PASSWORD = 'hunter2-Wq9z';
const ANSWER = `Key ${API_KEY} and db postgres://app:${DB_PASSWORD}@db.internal:5432/app are set.`;
const SIZE = {columns: 140, rows: 30};

function pieces(secret: string, length = 6): string[] {
	return Array.from({length: secret.length - length + 1}, (_, i) => secret.slice(i, i + length));
}

function cli(dir: string, args: string[]): string {
	return execFileSync(process.execPath, [BUILT_CLI, ...args], {cwd: dir, encoding: 'utf8', env: {PATH: process.env['PATH'], HOME: dir, TZ: 'UTC'}});
}

function htmlText(html: string): string {
	return html
		.replace(/<[^>]+>/g, '')
		.replaceAll('&lt;', '<')
		.replaceAll('&gt;', '>')
		.replaceAll('&quot;', '"')
		.replaceAll('&#39;', "'")
		.replaceAll('&amp;', '&');
}

describe('a secret streamed in small pieces', () => {
	it('reads the same, redacted, on the live screen, in the transcript, in every export and in both replays', async () => {
		const dir = tempWorkspace('pgpair-one-redaction-');
		const script = path.join(dir, 'script.json');
		fs.writeFileSync(script, JSON.stringify({turns: [{text: ANSWER, chunk: 2, delay_ms: 3}]}));
		// No tool servers: this is about the text.
		fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify({mcpServers: {}}));

		const live = startTmux(`${process.execPath} ${BUILT_CLI} --scripted ${script}`, {cwd: dir, ...SIZE, env: {HOME: dir}});
		terminals.push(live);
		await live.waitForText('ask the backend engineer');
		live.type('what is configured?');
		live.press('Enter');
		const screen = await live.waitForText('are set.', 30_000);
		await quitPgpair(live);

		// The transcript: what was streamed, joined, is the completed message, and it is redacted.
		const [file] = fs.readdirSync(path.join(dir, 'sessions'));
		const transcriptPath = path.join(dir, 'sessions', file!);
		const lines = fs.readFileSync(transcriptPath, 'utf8').trim().split('\n');
		const events = lines.slice(1).map(line => JSON.parse(line) as SessionEvent);
		const streamed = events.flatMap(e => (e.type === 'assistant_text_delta' ? [e.text] : [])).join('');
		const completed = events
			.flatMap(e => (e.type === 'assistant_message_completed' ? e.content.flatMap(b => (b.type === 'text' ? [b.text] : [])) : []))
			.join('');
		expect(streamed).toBe(completed);
		const redacted = completed;
		expect(redacted).toMatch(/^Key \[REDACTED:[a-z-]+\] and db postgres:\/\/app:\[REDACTED:[a-z-]+\]@db\.internal:5432\/app are set\.$/);
		for (const piece of [...pieces(API_KEY), ...pieces(DB_PASSWORD)]) expect(lines.join('\n')).not.toContain(piece);
		// The streamed text was cut where no secret straddles two events: several deltas, each redacted whole.
		expect(events.filter(e => e.type === 'assistant_text_delta').length).toBeGreaterThan(1);

		// The live screen showed that same line.
		expect(screen).toContain(redacted);

		// Every export, and the printed replay, hold the same line.
		const id = (JSON.parse(lines[0]!) as {sessionId: string}).sessionId;
		expect(cli(dir, ['export', '--format', 'md', id])).toContain(redacted);
		expect(cli(dir, ['export', '--format', 'json', id])).toContain(JSON.stringify(redacted).slice(1, -1));
		expect(htmlText(cli(dir, ['export', '--format', 'html', id]))).toContain(redacted);
		expect(cli(dir, ['replay', '--print', id])).toContain(redacted);

		// The interactive replay, at its end, shows it too.
		const replay = startTmux(`${process.execPath} ${BUILT_CLI} replay ${id}`, {cwd: dir, ...SIZE, env: {HOME: dir}});
		terminals.push(replay);
		await replay.waitForText('event 0 of');
		replay.type('G');
		const end = await replay.waitForText('are set.');
		expect(end).toContain(redacted);
	}, 120_000);
});

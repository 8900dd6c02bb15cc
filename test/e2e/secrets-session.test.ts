/**
 * Secrets through a whole session wired as the CLI wires it: the real scripted Messages-API server
 * streams them in small pieces, the real fixture MCP server echoes them, and the transcript file,
 * every export format and `replay --print` are searched for them (and for their pieces).
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {type CommandIo, runExport, runReplay} from '../../source/cli/replay-commands.js';
import {tempWorkspace} from '../helpers/paths.js';
import {startScriptedSession} from '../helpers/scripted-session.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const API_KEY = 'sk-ant-api03-Xy7_kL9mN2pQ4rS6tU8vW0xY1zA3bC5dE7fG9hJ1kL3-AAAA';
const ROLE_PASSWORD = "Str0ng'Passw0rd-93";
const CREATE_ROLE = String.raw`CREATE ROLE reporting LOGIN Password E'Str0ng\'Passw0rd-93';`;
const SHAPELESS = 'Zq7vL2xP9kW4mT6r';

function pieces(secret: string, length = 6): string[] {
	return Array.from({length: secret.length - length + 1}, (_, i) => secret.slice(i, i + length));
}

function expectAbsent(where: string, text: string, secrets: readonly string[]): void {
	for (const secret of secrets) {
		for (const piece of pieces(secret)) expect(text, `${where} holds "${piece}" of a secret`).not.toContain(piece);
	}
}

/** Replay and export as a user runs them later, in a workspace that knows none of the secrets. */
async function command(run: typeof runReplay, argv: string[]): Promise<string> {
	let out = '';
	const io: CommandIo = {cwd: tempWorkspace(), env: {TZ: 'UTC'}, stdout: {write: (text: string) => (out += text), isTTY: false}, stderr: {write: () => true}};
	expect(await run(argv, io)).toBe(0);
	return out;
}

describe('secrets in a session', () => {
	it('never reach the transcript, exports or replay: streamed in pieces, set in SQL, echoed by a tool, known from the environment', async () => {
		const {setup, dir} = await startScriptedSession(
			{
				turns: [
					{
						text: `Here is the key: ${API_KEY} and the vault token ${SHAPELESS}. Creating the role now.`,
						chunk: 2,
						delay_ms: 2,
						tool_calls: [{name: 'mcp__fixture__echo', input: {text: CREATE_ROLE}}],
					},
					{text: `Done: the role logs in with ${ROLE_PASSWORD} (keep it safe).`, chunk: 3},
				],
			},
			cleanups,
			{env: {VAULT_TOKEN: SHAPELESS}},
		);
		await setup.runner!.submitPrompt('set it up');
		setup.store.flush();

		const file = fs.readFileSync(setup.transcriptPath, 'utf8');
		const secrets = [API_KEY, ROLE_PASSWORD, SHAPELESS, 'Passw0rd-93'];
		expectAbsent('the transcript', file, secrets);
		// The tool really ran with the password: the redaction is in what is recorded, not in what ran.
		expect(file).toContain('[REDACTED:password]');
		expect(file).toContain('[REDACTED:anthropic-key]');
		expect(file).toContain('[REDACTED:env:VAULT_TOKEN]');
		// The screen reads the store: it agrees with the file.
		expectAbsent('the screen state', JSON.stringify(setup.store.getEvents()), secrets);

		const transcript = path.relative(dir, setup.transcriptPath);
		for (const format of ['md', 'json', 'html'])
			expectAbsent(`the ${format} export`, await command(runExport, ['--format', format, setup.transcriptPath]), secrets);
		const printed = await command(runReplay, ['--print', setup.transcriptPath]);
		expect(printed).toContain('Creating the role now.');
		expectAbsent(`replay --print of ${transcript}`, printed, secrets);
	});

	it('gives an edited call its secrets back, so what runs is what the person edited, not the redaction marker', async () => {
		const {setup, dir} = await startScriptedSession(
			{turns: [{text: 'Noting the key.', tool_calls: [{name: 'mcp__fixture__write_note', input: {line: `key ${API_KEY}`}}]}, {text: 'Noted.'}]},
			cleanups,
		);
		const turn = setup.runner!.submitPrompt('note my key');
		const call = await waitFor(
			() => setup.store.getState().openCalls.find(c => c.status === 'awaiting_approval' && !c.previewPending),
			'the call to wait for approval',
		);
		const shown = (call.input as {line: string}).line;
		expect(shown).toBe('key [REDACTED:anthropic-key]');
		// As the pane does: the edit is previewed (as shown, redacted) before it can be allowed.
		const edited = {line: `edited ${shown}`};
		await setup.runner!.previewEdit(call.callId, edited);
		setup.runner!.resolveApproval(call.callId, {decision: 'allow', editedInput: edited});
		await turn;
		expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe(`edited key ${API_KEY}\n`);
		expectAbsent('the transcript', fs.readFileSync(setup.transcriptPath, 'utf8'), [API_KEY]);
	});
});

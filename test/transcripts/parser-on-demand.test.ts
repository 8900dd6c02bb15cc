/**
 * Issue 16: the SQL parser (a large WASM module) loads only once a session has SQL worth parsing for secrets, and
 * never later than the first event that needs it: an event is committed only after the parser it needs has loaded.
 * The attack: the session's first SQL arrives in the model's answer, holding secrets only the parse tree finds
 * (a secret column, a vault secret, a secret setting); none may reach the transcript on disk.
 */
import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {isSqlParserLoaded} from '../../source/policy/sql-parser.js';
import {type FaultSession, startFaultSession} from '../faults/fault-session.js';

const SECRET = 'zz9-plural-z-alpha';
const SQL_ONLY_THE_TREE_READS = [
	`update accounts set api_token = '${SECRET}-1' where id = 1`,
	`select vault.create_secret('${SECRET}-2')`,
	`alter database postgres set app.jwt_secret = '${SECRET}-3'`,
];

const sessions: FaultSession[] = [];
afterEach(async () => {
	for (const session of sessions.splice(0)) await session.close();
});

describe('the SQL parser behind redaction', () => {
	it('is not loaded by a turn without SQL; the first SQL loads it before the event holding it is committed', async () => {
		const session = await startFaultSession(
			{
				turns: [
					{text: 'Hello.'},
					{
						text: 'Echoing it.',
						tool_calls: SQL_ONLY_THE_TREE_READS.map((text, index) => ({id: `toolu_sql_${index}`, name: 'mcp__fixture__echo', input: {text}})),
					},
					{text: 'Echoed.'},
				],
			},
			{allow: ['mcp__fixture__echo']},
		);
		sessions.push(session);

		await session.runner.submitPrompt('hello');
		expect(session.setup.store.getState().messages.length).toBeGreaterThan(0);
		expect(isSqlParserLoaded()).toBe(false);

		await session.runner.submitPrompt('echo some SQL');
		expect(isSqlParserLoaded()).toBe(true);
		session.setup.store.flush();
		const written = fs.readFileSync(session.setup.transcriptPath, 'utf8');
		// The calls ran (their results are in the file), and no secret reached it: not in the answer's tool calls,
		// not in the requests, not in the echoed results.
		expect(written.match(/echo: /g)?.length).toBe(3);
		expect(written).not.toContain(SECRET);
		// Parsed: the tree's replacement in the answer and in each request (the echoes are caught by value).
		expect(written.match(/\[REDACTED:password\]/g)?.length).toBe(6);
	});
});

/** Writes a realistic transcript of `turns` finished turns (text, tool calls, results) for benchmarks. */
import path from 'node:path';
import type {EventBody, SessionEvent} from '../../source/core/events.js';
import {createTranscriptHeader, newSessionId, transcriptFileName} from '../../source/transcripts/format.js';
import {openTranscript} from '../../source/transcripts/writer.js';

export function syntheticEvents(turns: number, start = Date.now() - turns * 60_000): SessionEvent[] {
	const events: SessionEvent[] = [];
	const push = (body: EventBody) => events.push({...body, seq: events.length + 1, at: start + events.length * 10} as SessionEvent);
	for (let turn = 0; turn < turns; turn++) {
		const answer = `Turn ${turn}: I checked the schema. The todos table has RLS enabled and two policies; the index on user_id covers the lookup.`;
		push({type: 'user_prompt_submitted', text: `Question ${turn}: how does the todos table look now?`});
		push({type: 'model_request_started', round: 1, model: 'claude-bench'});
		for (let i = 0; i < answer.length; i += 20) push({type: 'assistant_text_delta', text: answer.slice(i, i + 20)});
		const callId = `toolu_bench_${turn}`;
		const withTool = turn % 2 === 0;
		push({
			type: 'assistant_message_completed',
			content: [
				{type: 'text', text: answer},
				...(withTool ? [{type: 'tool_use' as const, id: callId, name: 'mcp__supabase__list_tables', input: {schemas: ['public']}}] : []),
			],
			stopReason: withTool ? 'tool_use' : 'end_turn',
			usage: {inputTokens: 1200, outputTokens: 60},
		});
		if (withTool) {
			push({
				type: 'tool_call_requested',
				callId,
				name: 'mcp__supabase__list_tables',
				input: {schemas: ['public']},
				classification: {class: 'read-only', hazards: []},
			});
			push({type: 'tool_call_decided', callId, decision: 'allow', by: 'rule'});
			push({type: 'tool_call_started', callId});
			push({type: 'tool_call_completed', callId, isError: false, content: '{"tables":[{"name":"public.todos","rls_enabled":true,"rows":3}]}', durationMs: 12});
			push({type: 'model_request_started', round: 2, model: 'claude-bench'});
			push({
				type: 'assistant_message_completed',
				content: [{type: 'text', text: 'One table, RLS on.'}],
				stopReason: 'end_turn',
				usage: {inputTokens: 1300, outputTokens: 8},
			});
		}

		push({type: 'turn_completed', outcome: 'completed'});
	}

	return events;
}

export function writeSyntheticHistory(dir: string, turns: number): string {
	const id = newSessionId();
	const file = path.join(dir, transcriptFileName(new Date(), id));
	const writer = openTranscript(
		file,
		createTranscriptHeader({sessionId: id, cwd: dir, agent: {name: 'backend-engineer', source: 'builtin', model: 'claude-bench'}, pgpairVersion: '0.1.0'}),
	);
	for (const event of syntheticEvents(turns)) writer.append(event);
	writer.close();
	return file;
}

import {describe, expect, it} from 'vitest';
import {restoreRedacted} from '../../source/transcripts/restore-redacted.js';

describe('an edit of a redacted call gets its secrets back', () => {
	it('puts the password back into edited SQL', () => {
		const raw = {query: "CREATE ROLE app LOGIN PASSWORD 'S3cret pw'"};
		const shown = {query: "CREATE ROLE app LOGIN PASSWORD '[REDACTED:password]'"};
		const edited = {query: "CREATE ROLE app2 LOGIN PASSWORD '[REDACTED:password]' VALID UNTIL '2030-01-01'"};
		expect(restoreRedacted(edited, shown, raw)).toEqual({query: "CREATE ROLE app2 LOGIN PASSWORD 'S3cret pw' VALID UNTIL '2030-01-01'"});
	});

	it('maps markers of one kind in order, and markers of other kinds by kind, in nested input', () => {
		const raw = {env: [{a: 'key sk-ant-api03-one and sk-ant-api03-two'}], url: 'postgres://u:pw1@h/db'};
		const shown = {env: [{a: 'key [REDACTED:anthropic-key] and [REDACTED:anthropic-key]'}], url: 'postgres://u:[REDACTED:url-password]@h/db'};
		const edited = {env: [{a: '[REDACTED:anthropic-key] then [REDACTED:anthropic-key]'}], url: 'postgres://v:[REDACTED:url-password]@h2/db'};
		expect(restoreRedacted(edited, shown, raw)).toEqual({env: [{a: 'sk-ant-api03-one then sk-ant-api03-two'}], url: 'postgres://v:pw1@h2/db'});
	});

	it('leaves a marker the person typed beyond those shown, and an edit without markers, as they are', () => {
		const raw = {line: 'sk-ant-api03-one'};
		const shown = {line: '[REDACTED:anthropic-key]'};
		expect(restoreRedacted({line: '[REDACTED:anthropic-key] [REDACTED:anthropic-key] [REDACTED:jwt]'}, shown, raw)).toEqual({
			line: 'sk-ant-api03-one [REDACTED:anthropic-key] [REDACTED:jwt]',
		});
		const plain = {line: 'nothing secret'};
		expect(restoreRedacted(plain, shown, raw)).toBe(plain);
	});
});

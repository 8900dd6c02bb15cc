import {describe, expect, it} from 'vitest';
import {backoffDelay, missingKeyMessage, resolveApiConfig, resolveModelId} from '../../source/model/anthropic-model.js';

describe('resolveModelId', () => {
	it.each([
		['sonnet', 'claude-sonnet-5-5'],
		['opus', 'claude-opus-5-5'],
		['haiku', 'claude-haiku-5-5'],
		['Sonnet', 'claude-sonnet-5-5'],
		['inherit', 'claude-sonnet-5-5'],
		[undefined, 'claude-sonnet-5-5'],
		['', 'claude-sonnet-5-5'],
		['claude-opus-4-8', 'claude-opus-4-8'],
		['my-gateway/custom-model', 'my-gateway/custom-model'],
	])('%s resolves to %s', (alias, expected) => {
		expect(resolveModelId(alias)).toBe(expected);
	});
});

describe('resolveApiConfig', () => {
	it.each([
		[{}, {}, {}],
		[{ANTHROPIC_API_KEY: 'k1'}, {}, {apiKey: 'k1'}],
		[{ANTHROPIC_AUTH_TOKEN: 't1'}, {}, {apiKey: 't1'}],
		[{ANTHROPIC_API_KEY: 'k1', ANTHROPIC_AUTH_TOKEN: 't1'}, {}, {apiKey: 'k1'}],
		[{ANTHROPIC_API_KEY: '  '}, {}, {}],
		[{ANTHROPIC_BASE_URL: 'http://127.0.0.1:9'}, {}, {baseURL: 'http://127.0.0.1:9'}],
		[
			{ANTHROPIC_API_KEY: 'k1', ANTHROPIC_BASE_URL: 'http://env'},
			{apiKey: 'k2', baseURL: 'http://flag'},
			{apiKey: 'k2', baseURL: 'http://flag'},
		],
	])('env %j and flags %j give %j', (env, flags, expected) => {
		expect(resolveApiConfig(env, flags)).toEqual(expected);
	});

	it('has a missing-key message that says how to set a key and how to run offline', () => {
		expect(missingKeyMessage).toContain('ANTHROPIC_API_KEY');
		expect(missingKeyMessage).toContain('--scripted <file>');
	});
});

describe('backoffDelay', () => {
	it.each([
		// failed attempt, base, max, retry-after, random, expected
		[1, 1000, 30_000, undefined, 0, 1000],
		[2, 1000, 30_000, undefined, 0, 2000],
		[3, 1000, 30_000, undefined, 1, 3000],
		[10, 1000, 30_000, undefined, 0, 30_000],
		[1, 1000, 30_000, 0, 0.5, 0],
		[1, 1000, 30_000, 5000, 0.5, 5000],
		[1, 1000, 30_000, 120_000, 0.5, 30_000],
	])('attempt %i, base %i, cap %i, retry-after %s, jitter %d → %i ms', (attempt, base, max, retryAfter, random, expected) => {
		expect(backoffDelay(attempt, base, max, retryAfter, () => random)).toBe(expected);
	});
});
